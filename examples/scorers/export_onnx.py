#!/usr/bin/env python3
"""Writes a logistic scorer as an ONNX model over sieve's feature vector (FEATURE_NAMES order,
feature version 1): standardise, weigh, add the intercept, squash with a sigmoid.

    pip install onnx numpy
    python3 export_onnx.py [params.json] [out.onnx]

params.json holds {"mean": [...], "std": [...], "weights": [...], "intercept": x}, e.g. the
`params` of a logistic scorer from `GET /v1/scorers` (trained by `sieve scorer train`), or weights
fitted in Python with scikit-learn on features exported from sieve. Without it, the hand-set
weights below are used: they reward passing the public tests and agreeing with a large output
cluster, and penalise crashes and time-outs. Register the result with
`POST /v1/scorers {"name": ..., "kind": "onnx", "model_base64": ...}`.
"""
import json
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

NAMES = ["compiled", "compile_warnings", "public_run", "public_pass_rate", "public_all_passed",
         "public_target_pass_rate", "generated_run", "generated_crash_rate", "generated_timeout_rate",
         "generated_memout_rate", "cluster_share", "cluster_rel_size", "cluster_rank",
         "codet_agreement", "time_ratio", "memory_ratio", "source_len_log", "duplicates_log",
         "logprob_per_token", "gen_tokens_log", "has_target_subtask"]

HAND_SET = {"compiled": 3.0, "public_all_passed": 2.0, "public_target_pass_rate": 2.0,
            "generated_crash_rate": -3.0, "generated_timeout_rate": -2.0,
            "generated_memout_rate": -2.0, "cluster_rel_size": 1.5, "cluster_rank": -0.5}

if len(sys.argv) > 1 and sys.argv[1].endswith(".json"):
    p = json.load(open(sys.argv[1]))
    mean, std = np.array(p["mean"]), np.array(p["std"])
    weights, intercept = np.array(p["weights"]), float(p["intercept"])
else:
    mean, std = np.zeros(len(NAMES)), np.ones(len(NAMES))
    weights = np.array([HAND_SET.get(n, 0.0) for n in NAMES])
    intercept = -4.0
out = sys.argv[-1] if sys.argv[-1].endswith(".onnx") else "logistic.onnx"
assert len(weights) == len(NAMES), "feature version 1 has 21 features"

f32 = lambda a: numpy_helper.from_array(np.asarray(a, dtype=np.float32))
init = [f32(mean), f32(std), f32(weights.reshape(-1, 1)), f32([intercept]), f32([-1])]
for t, n in zip(init, ["mean", "std", "w", "b", "flat"]):
    t.name = n
init[-1] = numpy_helper.from_array(np.array([-1], dtype=np.int64), "flat")
nodes = [
    helper.make_node("Sub", ["features", "mean"], ["centred"]),
    helper.make_node("Div", ["centred", "std"], ["scaled"]),
    helper.make_node("MatMul", ["scaled", "w"], ["z0"]),
    helper.make_node("Add", ["z0", "b"], ["z"]),
    helper.make_node("Sigmoid", ["z"], ["p"]),
    helper.make_node("Reshape", ["p", "flat"], ["score"]),
]
graph = helper.make_graph(
    nodes, "sieve_logistic",
    [helper.make_tensor_value_info("features", TensorProto.FLOAT, ["N", len(NAMES)])],
    [helper.make_tensor_value_info("score", TensorProto.FLOAT, ["N"])],
    init,
)
model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)], producer_name="sieve")
onnx.checker.check_model(model)
onnx.save(model, out)
print(f"wrote {out}")
