use crate::BlobHash;
use serde::{Deserialize, Serialize};

/// Resource limits for one run of a candidate on one test.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Limits {
    /// CPU time limit in milliseconds.
    pub time_ms: u64,
    /// Memory limit in bytes (linear memory of the guest, shadow stack included).
    pub memory_bytes: u64,
    /// Output cap in bytes; reaching it is Output Limit Exceeded.
    pub output_bytes: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            time_ms: 1000,
            memory_bytes: 256 << 20,
            output_bytes: 64 << 20,
        }
    }
}

/// Where a test comes from, which decides who may see it and what it is used for.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TestKind {
    /// Given with the statement (examples): visible to everyone, used for filtering.
    Public,
    /// Written by a model or generator: used for clustering and crash detection; may lack an answer.
    Generated,
    /// The official secret tests: used only for grading simulations, shown only to admins.
    Hidden,
}

impl TestKind {
    /// The lower-case name used in the database and the API.
    pub fn name(self) -> &'static str {
        match self {
            TestKind::Public => "public",
            TestKind::Generated => "generated",
            TestKind::Hidden => "hidden",
        }
    }
}

/// How a candidate's output is judged: a built-in comparison with the expected answer, or a
/// custom program of a protocol. `P` is how a custom program is held: by its compiled module's
/// blob (`BlobHash`, the default: a stored problem, what the judge runs), or by its sources
/// before they are compiled (a package as read, `formats::PackageChecker`). One type, so that a
/// package's checker and the stored one cannot disagree on what kinds there are.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(
    tag = "kind",
    rename_all = "snake_case",
    bound(serialize = "P: Serialize", deserialize = "P: Deserialize<'de>")
)]
pub enum Checker<P = BlobHash> {
    /// Byte-for-byte equality, except that trailing whitespace at the end of the output is ignored.
    Exact,
    /// Whitespace-separated tokens must be equal.
    Tokens,
    /// Tokens equal, ignoring ASCII case.
    CaseInsensitive,
    /// Tokens equal; numeric tokens may differ by an absolute or relative tolerance.
    Float {
        /// Absolute tolerance.
        abs: f64,
        /// Relative tolerance.
        rel: f64,
    },
    /// A testlib checker compiled to wasm: `checker input output answer`.
    Testlib {
        /// The checker.
        #[cfg_attr(feature = "openapi", schema(value_type = String))]
        program: P,
    },
    /// A Kattis output validator compiled to wasm: `validator input answer feedback_dir < output`.
    Kattis {
        /// The validator.
        #[cfg_attr(feature = "openapi", schema(value_type = String))]
        program: P,
    },
    /// A CMS checker compiled to wasm: `checker input answer output`, a score in [0, 1] on
    /// stdout and a message on stderr.
    Cms {
        /// The checker.
        #[cfg_attr(feature = "openapi", schema(value_type = String))]
        program: P,
    },
    /// An interactive problem's interactor compiled to wasm, in the Kattis protocol: run as
    /// `validator input answer feedback_dir` beside the candidate, reading what the candidate
    /// writes and writing what it reads; exit 42 accepts, 43 rejects.
    Interactive {
        /// The interactor.
        #[cfg_attr(feature = "openapi", schema(value_type = String))]
        program: P,
    },
    /// An interactive problem's interactor compiled to wasm, in the testlib protocol (Codeforces,
    /// Polygon): run as `interactor input output answer` beside the candidate; exit 0 accepts,
    /// 1 WA, 2 PE, 3 FAIL. After an acceptance on a test with an answer, `then` judges what the
    /// interactor wrote to `output` against the answer, as a checker judges a batch output.
    TestlibInteractive {
        /// The interactor.
        #[cfg_attr(feature = "openapi", schema(value_type = String))]
        program: P,
        /// The problem's checker of the interactor's output (a built-in comparison or a
        /// testlib checker); `None`: the interactor's verdict alone.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[cfg_attr(feature = "openapi", schema(no_recursion, value_type = Option<Checker>))]
        then: Option<Box<Checker<P>>>,
    },
    /// A CMS Communication task's manager compiled to wasm: it reads the test's input on stdin
    /// and talks with `processes` copies of the candidate (each linked with the task's stub),
    /// process `i` over the channel pair named by its arguments `2i+1` (what the process writes)
    /// and `2i+2` (what it reads); it prints the score in [0, 1] on stdout and a message on
    /// stderr. With more than one process, each is also given its index as its last argument.
    Communication {
        /// The manager.
        #[cfg_attr(feature = "openapi", schema(value_type = String))]
        program: P,
        /// How many copies of the candidate run at once (CMS's `num_processes`, 1 to 8).
        #[serde(default = "one")]
        processes: u32,
        /// How each process reaches its channels.
        #[serde(default)]
        user_io: UserIo,
        /// The task's checker of what the manager printed (TPS tasks with `has_checker`: the
        /// manager prints the processes' results, which are compared with the answer); `None`:
        /// the manager's score alone.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[cfg_attr(feature = "openapi", schema(no_recursion, value_type = Option<Checker>))]
        then: Option<Box<Checker<P>>>,
    },
}

fn one() -> u32 {
    1
}

/// The most processes a Communication task may run at once.
pub const MAX_PROCESSES: u32 = 8;

/// How the candidate's processes in a Communication task reach their channels (CMS's
/// `user_io`).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UserIo {
    /// Standard input and output are the channels (CMS's default).
    #[default]
    StdIo,
    /// The channels are files named by the arguments: what the manager writes, then what it
    /// reads (the stub opens them).
    FifoIo,
}

/// How a custom checker is called and how it reports.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CheckerProtocol {
    /// testlib: `checker input output answer`; exit 0 OK, 1 WA, 2 PE, 3 FAIL, 7 points.
    Testlib,
    /// Kattis output validator: `validator input answer feedback_dir < output`; exit 42 / 43.
    Kattis,
    /// CMS: `checker input answer output`; score in [0, 1] on stdout, message on stderr.
    Cms,
    /// Kattis interactive: `validator input answer feedback_dir`, its stdout piped to the
    /// candidate's stdin and the candidate's stdout to its stdin; exit 42 / 43.
    Interactive,
    /// testlib interactive: `interactor input output answer`, piped as Kattis interactive;
    /// exit 0 OK, 1 WA, 2 PE, 3 FAIL.
    #[serde(rename = "testlib_interactive")]
    TestlibInteractive,
    /// CMS Communication: `manager from_0 to_0 [from_1 to_1 …]` with the input on stdin, talking
    /// with the candidate's processes; score on stdout, message on stderr.
    Communication,
}

impl<P> Checker<P> {
    /// The custom checker of `protocol` whose program is `program`.
    pub fn custom(protocol: CheckerProtocol, program: P) -> Checker<P> {
        match protocol {
            CheckerProtocol::Testlib => Checker::Testlib { program },
            CheckerProtocol::Kattis => Checker::Kattis { program },
            CheckerProtocol::Cms => Checker::Cms { program },
            CheckerProtocol::Interactive => Checker::Interactive { program },
            CheckerProtocol::TestlibInteractive => Checker::TestlibInteractive {
                program,
                then: None,
            },
            CheckerProtocol::Communication => Checker::Communication {
                program,
                processes: 1,
                user_io: UserIo::StdIo,
                then: None,
            },
        }
    }

    /// A custom checker's protocol and program; None for the built-in comparisons.
    pub fn custom_program(&self) -> Option<(CheckerProtocol, &P)> {
        match self {
            Checker::Testlib { program } => Some((CheckerProtocol::Testlib, program)),
            Checker::Kattis { program } => Some((CheckerProtocol::Kattis, program)),
            Checker::Cms { program } => Some((CheckerProtocol::Cms, program)),
            Checker::Interactive { program } => Some((CheckerProtocol::Interactive, program)),
            Checker::TestlibInteractive { program, .. } => {
                Some((CheckerProtocol::TestlibInteractive, program))
            }
            Checker::Communication { program, .. } => {
                Some((CheckerProtocol::Communication, program))
            }
            _ => None,
        }
    }

    /// The checker of a testlib interactor's or a manager's output, when the problem has one.
    pub fn then(&self) -> Option<&Checker<P>> {
        match self {
            Checker::TestlibInteractive { then, .. } | Checker::Communication { then, .. } => {
                then.as_deref()
            }
            _ => None,
        }
    }

    /// Every custom program the judge needs: the checker (or interactor), then the checker of
    /// the interactor's output.
    pub fn programs(&self) -> Vec<&P> {
        let then = self.then().and_then(|t| t.custom_program());
        self.custom_program()
            .into_iter()
            .chain(then)
            .map(|(_, program)| program)
            .collect()
    }

    /// Whether the candidate talks with an interactor instead of reading its input.
    pub fn is_interactive(&self) -> bool {
        matches!(
            self,
            Checker::Interactive { .. } | Checker::TestlibInteractive { .. }
        )
    }

    /// Whether the candidate talks with a CMS manager (a Communication task).
    pub fn is_communication(&self) -> bool {
        matches!(self, Checker::Communication { .. })
    }

    /// Whether the candidate never reads the test's input itself: a program judges it by
    /// talking with it (an interactor or a manager).
    pub fn is_conversation(&self) -> bool {
        self.is_interactive() || self.is_communication()
    }

    /// The same checker with every custom program replaced by what `f` makes of it, called in
    /// the order of [`Checker::programs`] (compiling a package's sources into modules, or a
    /// stored module back into a file).
    pub fn try_map<Q, E>(&self, f: &mut impl FnMut(&P) -> Result<Q, E>) -> Result<Checker<Q>, E> {
        Ok(match self {
            Checker::Exact => Checker::Exact,
            Checker::Tokens => Checker::Tokens,
            Checker::CaseInsensitive => Checker::CaseInsensitive,
            Checker::Float { abs, rel } => Checker::Float {
                abs: *abs,
                rel: *rel,
            },
            Checker::Testlib { program } => Checker::Testlib {
                program: f(program)?,
            },
            Checker::Kattis { program } => Checker::Kattis {
                program: f(program)?,
            },
            Checker::Cms { program } => Checker::Cms {
                program: f(program)?,
            },
            Checker::Interactive { program } => Checker::Interactive {
                program: f(program)?,
            },
            Checker::TestlibInteractive { program, then } => {
                let program = f(program)?;
                let then = then.as_deref().map(|t| t.try_map(f).map(Box::new));
                let then = then.transpose()?;
                Checker::TestlibInteractive { program, then }
            }
            Checker::Communication {
                program,
                processes,
                user_io,
                then,
            } => {
                let program = f(program)?;
                let then = then.as_deref().map(|t| t.try_map(f).map(Box::new));
                let then = then.transpose()?;
                Checker::Communication {
                    program,
                    processes: *processes,
                    user_io: *user_io,
                    then,
                }
            }
        })
    }
}

/// A scored group of tests.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Subtask {
    /// A name unique within the problem (e.g. `group1`).
    pub name: String,
    /// Points awarded when every test of the subtask is accepted (scaled by the minimum test score).
    pub points: f64,
    /// Indices into the problem's tests.
    pub tests: Vec<usize>,
    /// Indices of the subtasks whose constraints this one contains (a solution of this one solves them).
    pub contains: Vec<usize>,
}
