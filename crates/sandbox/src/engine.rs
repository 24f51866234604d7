//! sieve's policy on wasmtime, in one place: the engine's configuration, the epoch ticker, the
//! memory limiter, the host state of a run, and the cache of compiled modules.

use crate::SandboxError;
use crate::wasi::{self, Io};
use crate::{outputs, python};
use cpu_time::ThreadTime;
use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;
use wasmtime::{
    Config, Engine, InstanceAllocationStrategy, InstancePre, Linker, Module, OptLevel,
    PoolingAllocationConfig, ResourceLimiter,
};

/// The native stack a thread needs to run guests: above wasmtime's `max_wasm_stack` (256 MiB),
/// which lets contest code recurse a million levels deep. Reserved, not committed, memory.
pub const GUEST_THREAD_STACK: usize = 320 << 20;
const MAX_WASM_STACK: usize = 256 << 20;
const EPOCH_TICK: Duration = Duration::from_millis(2);

/// How run time is limited and measured.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// The run's CPU time, checked at every epoch tick (every 2 ms).
    Timed,
    /// Fuel (about one unit per wasm instruction) is both the budget and the measure: a verdict
    /// never depends on machine load. `fuel_per_ms` converts the time limit to fuel.
    Deterministic {
        /// Fuel granted per millisecond of the time limit.
        fuel_per_ms: u64,
    },
    /// No instrumentation and no time limit: measures what the interruption checks cost.
    /// For benchmarks and trusted programs only, never for candidates.
    Unmetered,
}

/// How to build a [`Sandbox`].
#[derive(Clone, Debug)]
pub struct SandboxConfig {
    /// Timed or deterministic.
    pub mode: Mode,
    /// Where compiled machine code is cached across processes (`None`: memory only).
    pub cache_dir: Option<PathBuf>,
    /// How many instances may be alive at once (guests plus checkers, over all threads).
    pub max_instances: u32,
}

impl Default for SandboxConfig {
    fn default() -> Self {
        SandboxConfig {
            mode: Mode::Timed,
            cache_dir: None,
            max_instances: 16,
        }
    }
}

/// Records the memory a guest asks for, and refuses growth past the limit.
#[derive(Debug, Default)]
pub(crate) struct Limiter {
    pub limit: u64,
    pub peak: u64,
    pub denied: bool,
}

impl ResourceLimiter for Limiter {
    fn memory_growing(
        &mut self,
        _: usize,
        desired: usize,
        _: Option<usize>,
    ) -> wasmtime::Result<bool> {
        if desired as u64 > self.limit {
            self.denied = true;
            return Ok(false);
        }
        self.peak = self.peak.max(desired as u64);
        Ok(true)
    }

    fn table_growing(
        &mut self,
        _: usize,
        desired: usize,
        _: Option<usize>,
    ) -> wasmtime::Result<bool> {
        Ok(desired <= 1 << 20)
    }
}

/// The state of one run, owned by its `Store`.
#[derive(Debug, Default)]
pub(crate) struct Host {
    pub io: Io,
    pub limiter: Limiter,
    pub cpu_start: Option<ThreadTime>,
    pub cpu_limit: Duration,
    pub timed_out: bool,
}

impl Host {
    /// CPU time of the run so far, in nanoseconds.
    pub fn cpu_ns(&self) -> u64 {
        self.cpu_start
            .map(|t| t.elapsed().as_nanos() as u64)
            .unwrap_or(0)
    }
}

/// A module ready to run: compiled, linked against the WASI host, and pre-instantiated.
#[derive(Clone)]
pub struct Program {
    /// BLAKE3 of the module's bytes.
    pub hash: [u8; 32],
    pub(crate) pre: InstancePre<Host>,
    /// A Python script, with the interpreter in `pre`.
    pub(crate) python: Option<Arc<Script>>,
    /// An output-only submission's outputs (`pre` is then an empty module, never run to judge).
    pub(crate) outputs: Option<Arc<outputs::Outputs>>,
}

/// What a Python program's runs add to the interpreter's: its script and the standard library.
#[derive(Debug)]
pub(crate) struct Script {
    pub source: Arc<[u8]>,
    pub stdlib: Arc<[u8]>,
    /// Memory not charged to the script (see `python::Interpreter::reserve`).
    pub reserve: u64,
}

impl std::fmt::Debug for Program {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Program({})", hex::encode(&self.hash[..8]))
    }
}

/// The engine and everything shared between runs. One per process; cheap to share by reference
/// between threads.
pub struct Sandbox {
    pub(crate) engine: Engine,
    linker: Linker<Host>,
    pub(crate) mode: Mode,
    cache_dir: Option<PathBuf>,
    fingerprint: String,
    /// The engine, linker and fingerprint of Python's interpreter (lazily filled tables).
    python_engine: (Engine, Linker<Host>, String),
    programs: Mutex<HashMap<[u8; 32], Program>>,
    python: OnceLock<Result<python::Interpreter, String>>,
    ticker: Option<(Arc<AtomicBool>, std::thread::JoinHandle<()>)>,
}

impl Sandbox {
    /// Builds the engines for `config`.
    pub fn new(config: SandboxConfig) -> Result<Sandbox, SandboxError> {
        // Funcref tables filled at instantiation: an indirect call (virtual functions,
        // std::function, qsort comparators) then skips the lazy-initialisation check.
        // std::function DFS: about 1.4-1.65x native instead of 1.9-2.45x (docs/fidelity.md).
        let (engine, linker, fingerprint) = build_engine(&config, false)?;
        // The Python interpreter's table holds 47,000 functions: filling it costs 2 ms of every
        // 5 ms run of a small script, and its interpreter loop gains nothing measurable from it.
        let python_engine = build_engine(&config, true)?;
        let ticker = (config.mode == Mode::Timed)
            .then(|| spawn_ticker(vec![engine.clone(), python_engine.0.clone()]));
        Ok(Sandbox {
            engine,
            linker,
            mode: config.mode,
            cache_dir: config.cache_dir,
            fingerprint,
            python_engine,
            programs: Mutex::new(HashMap::new()),
            python: OnceLock::new(),
            ticker,
        })
    }

    /// The mode this sandbox enforces limits in.
    pub fn mode(&self) -> Mode {
        self.mode
    }

    /// Compiles (or fetches from the caches) a module given as wasm bytes or wat text.
    pub fn load(&self, bytes: &[u8]) -> Result<Program, SandboxError> {
        let hash = *blake3::hash(bytes).as_bytes();
        if let Some(p) = self.programs.lock().map_err(poisoned)?.get(&hash) {
            return Ok(p.clone());
        }
        if let Some(parsed) = outputs::unbundle(bytes) {
            let outputs = parsed.map_err(SandboxError::InvalidModule)?;
            let empty = self.load(EMPTY_MODULE.as_bytes())?;
            return Ok(self.remember(Program {
                hash,
                pre: empty.pre,
                python: None,
                outputs: Some(Arc::new(outputs)),
            }));
        }
        if let Some(source) = python::script(bytes) {
            let interpreter = self
                .python
                .get_or_init(|| self.interpreter().map_err(|e| e.to_string()))
                .clone()
                .map_err(SandboxError::Toolchain)?;
            return Ok(self.remember(Program {
                hash,
                pre: interpreter.pre,
                python: Some(Arc::new(Script {
                    source: Arc::from(source),
                    stdlib: interpreter.stdlib,
                    reserve: interpreter.reserve,
                })),
                outputs: None,
            }));
        }
        let module = self.module(&hash, bytes)?;
        if module.get_export("_start").is_none() || module.get_export("memory").is_none() {
            return Err(SandboxError::InvalidModule(
                "not a WASI command: it must export _start and memory".into(),
            ));
        }
        let mut linker = self.linker.clone();
        wasi::stub_missing(&mut linker, &module)
            .and_then(|_| linker.instantiate_pre(&module))
            .map_err(|e| SandboxError::InvalidModule(format!("{e:#}")))
            .map(|pre| {
                self.remember(Program {
                    hash,
                    pre,
                    python: None,
                    outputs: None,
                })
            })
    }

    /// Keeps `program` for later loads of the same bytes, and returns it.
    fn remember(&self, program: Program) -> Program {
        if let Ok(mut cache) = self.programs.lock() {
            cache.insert(program.hash, program.clone());
        }
        program
    }

    /// The Python interpreter, compiled for this engine (or read from a cache: the user's
    /// shared one first, as its compile takes about a minute, then this sandbox's) and linked.
    fn interpreter(&self) -> Result<python::Interpreter, SandboxError> {
        let runtime = python::PythonRuntime::locate()?;
        let (engine, linker, fingerprint) = &self.python_engine;
        let name = format!("python-{}-{}.cwasm", runtime.key, fingerprint);
        let dirs: Vec<PathBuf> = [python::shared_cache(), self.cache_dir.clone()]
            .into_iter()
            .flatten()
            .map(|d| d.join("modules"))
            .collect();
        let cached = dirs
            .iter()
            .map(|d| d.join(&name))
            .filter(|p| p.exists())
            .find_map(|p| load_cached(engine, &p).ok());
        let module = match cached {
            Some(m) => m,
            None => {
                let m = Module::new(engine, runtime.interpreter()?)
                    .map_err(|e| SandboxError::Toolchain(format!("Python interpreter: {e:#}")))?;
                if let Ok(serialized) = m.serialize() {
                    // The first cache that takes it; none is not an error, only a slower start.
                    let _ = dirs.iter().find(|d| {
                        std::fs::create_dir_all(d).is_ok()
                            && write_atomically(&d.join(&name), &serialized).is_ok()
                    });
                }
                m
            }
        };
        let stdlib = runtime.stdlib()?;
        let mut linker = linker.clone();
        wasi::stub_imports(&mut linker, &module, python::HOST_MODULE, python::NO_HOST)
            .and_then(|_| wasi::stub_missing(&mut linker, &module))
            .and_then(|_| linker.instantiate_pre(&module))
            .map(|pre| python::Interpreter {
                reserve: python::reserve(python::initial_memory(&module)),
                pre,
                stdlib,
            })
            .map_err(|e| SandboxError::Toolchain(format!("Python interpreter: {e:#}")))
    }

    fn module(&self, hash: &[u8; 32], bytes: &[u8]) -> Result<Module, SandboxError> {
        let Some(dir) = &self.cache_dir else {
            return Module::new(&self.engine, bytes)
                .map_err(|e| SandboxError::InvalidModule(format!("{e:#}")));
        };
        let dir = dir.join("modules");
        let path = dir.join(format!("{}-{}.cwasm", hex::encode(hash), self.fingerprint));
        if path.exists()
            && let Ok(m) = load_cached(&self.engine, &path)
        {
            return Ok(m);
        }
        let module = Module::new(&self.engine, bytes)
            .map_err(|e| SandboxError::InvalidModule(format!("{e:#}")))?;
        if let Ok(serialized) = module.serialize() {
            std::fs::create_dir_all(&dir).map_err(SandboxError::io("creating module cache"))?;
            write_atomically(&path, &serialized)
                .map_err(SandboxError::io("writing module cache"))?;
        }
        Ok(module)
    }
}

/// The module behind an output-only submission: it does nothing, and judging never runs it.
const EMPTY_MODULE: &str = r#"(module (memory (export "memory") 0) (func (export "_start")))"#;

/// An engine for `config` (tables filled lazily or at instantiation), the WASI host linked to
/// it, and the fingerprint naming its compiled code in the caches.
fn build_engine(
    config: &SandboxConfig,
    lazy_tables: bool,
) -> Result<(Engine, Linker<Host>, String), SandboxError> {
    let mut c = Config::new();
    c.cranelift_opt_level(OptLevel::Speed);
    c.table_lazy_init(lazy_tables);
    // C++ exceptions, and the Python interpreter's, are wasm exceptions.
    c.wasm_exceptions(true);
    c.max_wasm_stack(MAX_WASM_STACK);
    // Checked against max_wasm_stack even without async support; no fiber stack is made.
    c.async_stack_size(MAX_WASM_STACK);
    match config.mode {
        Mode::Timed => c.epoch_interruption(true),
        Mode::Deterministic { .. } => c.consume_fuel(true),
        Mode::Unmetered => &mut c,
    };
    let n = config.max_instances.max(2);
    let mut pool = PoolingAllocationConfig::default();
    pool.total_memories(n)
        .total_core_instances(n)
        .total_tables(n)
        // The Python interpreter's table and instance (47,157 functions).
        .table_elements(1 << 17)
        .max_core_instance_size(4 << 20)
        .max_memory_size(4 << 30)
        .linear_memory_keep_resident(1 << 20)
        .table_keep_resident(1 << 16)
        // Resets only the pages a run dirtied (Linux >= 6.7); elsewhere falls back to madvise.
        .pagemap_scan(wasmtime::Enabled::Auto);
    c.allocation_strategy(InstanceAllocationStrategy::Pooling(pool));
    let engine = Engine::new(&c).map_err(|e| SandboxError::Engine(e.to_string()))?;
    let mut linker = Linker::new(&engine);
    wasi::add_to_linker(&mut linker).map_err(|e| SandboxError::Engine(e.to_string()))?;
    let mut h = std::collections::hash_map::DefaultHasher::new();
    engine.precompile_compatibility_hash().hash(&mut h);
    Ok((engine, linker, format!("{:016x}", h.finish())))
}

/// Writes a cache file whole or not at all: through a temporary file unique to this process
/// and call (two threads may build the same file at once), renamed into place.
pub(crate) fn write_atomically(path: &std::path::Path, data: &[u8]) -> std::io::Result<()> {
    static WRITES: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let n = WRITES.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let tmp = path.with_extension(format!("tmp{}-{n}", std::process::id()));
    std::fs::write(&tmp, data)
        .and_then(|_| std::fs::rename(&tmp, path))
        .inspect_err(|_| {
            let _ = std::fs::remove_file(&tmp);
        })
}

/// Loads machine code that [`Sandbox::module`] compiled and wrote itself.
#[allow(unsafe_code)]
fn load_cached(engine: &Engine, path: &std::path::Path) -> wasmtime::Result<Module> {
    // SAFETY: the file is one this crate serialized from a module it compiled, in a cache
    // directory it owns, named with the engine's compatibility fingerprint; wasmtime checks the
    // header's version and configuration again. Untrusted bytes never reach this function.
    unsafe { Module::deserialize_file(engine, path) }
}

fn poisoned<T>(_: T) -> SandboxError {
    SandboxError::Engine("module cache lock poisoned".into())
}

fn spawn_ticker(engines: Vec<Engine>) -> (Arc<AtomicBool>, std::thread::JoinHandle<()>) {
    let stop = Arc::new(AtomicBool::new(false));
    let flag = stop.clone();
    let handle = std::thread::Builder::new()
        .name("sieve-epoch".into())
        .spawn(move || {
            while !flag.load(Ordering::Relaxed) {
                std::thread::sleep(EPOCH_TICK);
                for engine in &engines {
                    engine.increment_epoch();
                }
            }
        })
        .expect("spawning the epoch ticker");
    (stop, handle)
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        if let Some((stop, handle)) = self.ticker.take() {
            stop.store(true, Ordering::Relaxed);
            let _ = handle.join();
        }
    }
}

/// Runs `f` on a new thread whose stack can hold a guest's (see [`GUEST_THREAD_STACK`]) and
/// returns its result; a panic in `f` is propagated.
pub fn on_guest_thread<R: Send>(f: impl FnOnce() -> R + Send) -> R {
    std::thread::scope(|s| {
        let handle = std::thread::Builder::new()
            .name("sieve-guest".into())
            .stack_size(GUEST_THREAD_STACK)
            .spawn_scoped(s, f)
            .expect("spawning a guest thread");
        handle
            .join()
            .unwrap_or_else(|e| std::panic::resume_unwind(e))
    })
}
