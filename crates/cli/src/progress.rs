//! Progress on a terminal: bars for work of known length, spinners for the rest; nothing in pipes
//! (indicatif draws only on a terminal) or under `--json`.

/// A progress bar on stderr when it is a terminal (indicatif hides it otherwise), hidden under
/// `--json`: `len` steps, or a spinner counting them when the length is not known.
pub(crate) fn bar(len: Option<u64>, json: bool) -> indicatif::ProgressBar {
    let bar = match len {
        Some(n) => indicatif::ProgressBar::new(n).with_style(
            indicatif::ProgressStyle::with_template("{bar:30} {pos}/{len} {msg}")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        ),
        None => indicatif::ProgressBar::new_spinner().with_style(
            indicatif::ProgressStyle::with_template("{spinner} {pos} {msg}")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
        ),
    };
    if json {
        bar.set_draw_target(indicatif::ProgressDrawTarget::hidden());
    } else if len.is_none() {
        // A spinner turns on its own: work of unknown length still shows it is alive.
        bar.enable_steady_tick(std::time::Duration::from_millis(120));
    }
    bar
}
