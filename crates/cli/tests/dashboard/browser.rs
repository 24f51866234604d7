//! The dashboard's pages in headless Chromium (Debian's `chromium`, installed by the set-up
//! script), driven over the DevTools protocol.

use headless_chrome::protocol::cdp::Network::CookieParam;
use headless_chrome::protocol::cdp::Page::CaptureScreenshotFormatOption;
use headless_chrome::protocol::cdp::types::Event;
use headless_chrome::{Browser, LaunchOptions, Tab};
use serde_json::Value;
use std::ffi::OsStr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// What the pages are checked against.
pub struct Pages {
    pub base: String,
    pub key: String,
    pub problem: String,
    pub contest: String,
    pub simulation: String,
    /// The API's funnel for the problem.
    pub funnel: Value,
    pub candidates: Vec<String>,
    /// A problem whose sample is in no subtask, whose generated test has no answer and whose
    /// importer warned (one warning twice), and a right candidate of it.
    pub samples: (String, String),
    /// Where screenshots go.
    pub shots: PathBuf,
}

const READY: &str = "#app[data-ready=\"1\"]";

fn chromium() -> PathBuf {
    ["/usr/bin/chromium", "/usr/bin/chromium-browser"]
        .iter()
        .map(PathBuf::from)
        .find(|p| p.exists())
        .expect("Chromium is not installed: scripts/setup.sh installs Debian's chromium")
}

impl Pages {
    /// Opens each page as a viewer and checks it; fails on any console error.
    pub fn check(&self) -> anyhow::Result<()> {
        std::fs::create_dir_all(&self.shots)?;
        let profile = tempfile::tempdir()?;
        // Without these, Chromium keeps calling out to Google's hosts, which this network refuses.
        let args: Vec<&OsStr> = [
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-quic",
            "--no-first-run",
        ]
        .iter()
        .map(OsStr::new)
        .collect();
        let browser = Browser::new(
            LaunchOptions::default_builder()
                .path(Some(chromium()))
                .sandbox(false)
                .window_size(Some((1400, 1800)))
                .user_data_dir(Some(profile.path().to_path_buf()))
                .idle_browser_timeout(Duration::from_secs(180))
                .args(args)
                .build()?,
        )?;
        let tab = browser.new_tab()?;
        let errors = Arc::new(Mutex::new(Vec::<String>::new()));
        let sink = errors.clone();
        tab.enable_log()?;
        tab.enable_runtime()?;
        tab.add_event_listener(Arc::new(move |e: &Event| {
            let seen = match e {
                Event::LogEntryAdded(l) => {
                    let level = format!("{:?}", l.params.entry.level);
                    (level == "Error" || level == "Warning")
                        .then(|| format!("log {level}: {}", l.params.entry.text))
                }
                Event::RuntimeExceptionThrown(x) => {
                    Some(format!("exception: {}", x.params.exception_details.text))
                }
                Event::RuntimeConsoleAPICalled(c) => {
                    let kind = format!("{:?}", c.params.Type);
                    (kind == "Error" || kind == "Warning").then(|| {
                        format!(
                            "console {kind}: {:?}",
                            c.params.args.first().map(|a| &a.value)
                        )
                    })
                }
                _ => None,
            };
            if let Some(s) = seen {
                sink.lock().map(|mut v| v.push(s)).ok();
            }
        }))?;
        tab.set_cookies(vec![CookieParam {
            name: "sieve_key".into(),
            value: self.key.clone(),
            url: Some(self.base.clone()),
            domain: None,
            path: Some("/".into()),
            secure: None,
            http_only: None,
            same_site: None,
            expires: None,
            priority: None,
            same_party: None,
            source_scheme: None,
            source_port: None,
            partition_key: None,
        }])?;

        // The problem page: the funnel's numbers are the API's.
        self.open(&tab, &format!("/problems/{}", self.problem))?;
        for stage in [
            "posted",
            "compiled",
            "passed_public",
            "clusters",
            "selected",
            "accepted_hidden",
        ] {
            let shown = self.text(&tab, &format!("#funnel tr[data-stage=\"{stage}\"] td.n"))?;
            let shown: String = shown.chars().filter(char::is_ascii_digit).collect();
            assert_eq!(
                shown,
                self.funnel[stage].to_string(),
                "the funnel's {stage} on the page"
            );
        }
        for chart in ["funnel", "verdicts", "time", "memory", "clusters"] {
            let marks = self.count(&tab, &format!("svg.chart[data-chart=\"{chart}\"] rect"))?;
            assert!(marks > 0, "the {chart} chart draws something");
        }
        self.shot(&tab, "dashboard-problem.png")?;

        // A candidate page, opened by clicking its link on the problem page.
        let link = format!("a[href=\"/candidates/{}\"]", self.candidates[0]);
        tab.wait_for_element(&link)?.click()?;
        tab.wait_for_element_with_custom_timeout(READY, Duration::from_secs(30))?;
        assert!(
            tab.get_url()
                .ends_with(&format!("/candidates/{}", self.candidates[0]))
        );
        let source = self.text(&tab, "#candidate-source")?;
        assert!(source.contains("printf"), "the source is shown: {source}");
        // A viewer sees each subtask's outcome on the hidden tests, not their per-test figures.
        assert!(self.count(&tab, "table.subtasks[data-kind=\"hidden\"] tr")? > 1);
        assert_eq!(
            self.count(&tab, "table.results[data-kind=\"hidden\"] tr")?,
            0
        );
        assert!(self.count(&tab, "table.results[data-kind=\"public\"] tr")? > 1);
        self.shot(&tab, "dashboard-candidate.png")?;

        // A right candidate on tests without answers ran them; it was not refused them. Its
        // points on a sample in no subtask are 0, not "-0".
        self.open(&tab, &format!("/candidates/{}", self.samples.1))?;
        let generated = self.text(&tab, "#results-generated h2")?;
        assert_eq!(
            generated,
            "generated tests — 1/1 ran without error (no answers to check)"
        );
        let public = self.text(&tab, "#points [data-kind=\"public\"] .stat-v")?;
        assert_eq!(public, "0", "public points");
        assert_eq!(self.count(&tab, "#points [data-kind=\"generated\"]")?, 0);
        let stats = self.text(&tab, "#points")?;
        assert!(!stats.contains("-0"), "{stats}");
        // The list says the same: ran, with no score.
        self.open(&tab, &format!("/problems/{}", self.samples.0))?;
        let row = self.text(&tab, "#candidates tbody tr")?;
        assert!(row.contains("1/1 ran"), "{row}");
        // The importer's warnings: once each, folded under their count, on this problem only.
        assert_eq!(self.text(&tab, "#warnings summary")?, "3 import warnings");
        assert_eq!(self.count(&tab, "#warnings li")?, 2);
        assert_eq!(
            self.eval(&tab, "document.querySelector('#warnings').open")?,
            false
        );
        self.open(&tab, &format!("/problems/{}", self.problem))?;
        assert_eq!(
            self.count(&tab, "#warnings")?,
            0,
            "no warnings on another problem"
        );

        self.open(&tab, &format!("/contests/{}", self.contest))?;
        assert!(
            self.count(
                &tab,
                "svg.chart[data-chart=\"k-curve\"] circle, svg.chart[data-chart=\"k-curve\"] path"
            )? > 0
        );
        self.shot(&tab, "dashboard-contest.png")?;

        self.open(&tab, &format!("/simulations/{}", self.simulation))?;
        assert!(self.count(&tab, "svg.chart[data-chart=\"simulation\"] rect")? > 0);
        self.shot(&tab, "dashboard-simulation.png")?;

        self.open(&tab, "/")?;
        assert!(self.count(&tab, &format!("a[href=\"/contests/{}\"]", self.contest))? > 0);

        let errors = errors.lock().map(|e| e.clone()).unwrap_or_default();
        assert!(errors.is_empty(), "the console: {errors:#?}");
        Ok(())
    }

    fn open(&self, tab: &Tab, path: &str) -> anyhow::Result<()> {
        tab.navigate_to(&format!("{}{path}", self.base))?;
        tab.wait_until_navigated()?;
        tab.wait_for_element_with_custom_timeout(READY, Duration::from_secs(30))?;
        Ok(())
    }

    fn eval(&self, tab: &Tab, js: &str) -> anyhow::Result<Value> {
        Ok(tab.evaluate(js, false)?.value.unwrap_or_default())
    }

    fn text(&self, tab: &Tab, selector: &str) -> anyhow::Result<String> {
        let js = format!(
            "(document.querySelector({}) || {{}}).textContent || ''",
            Value::String(selector.into())
        );
        Ok(self
            .eval(tab, &js)?
            .as_str()
            .unwrap_or_default()
            .to_string())
    }

    fn count(&self, tab: &Tab, selector: &str) -> anyhow::Result<u64> {
        let js = format!(
            "document.querySelectorAll({}).length",
            Value::String(selector.into())
        );
        Ok(self.eval(tab, &js)?.as_u64().unwrap_or_default())
    }

    fn shot(&self, tab: &Tab, name: &str) -> anyhow::Result<()> {
        let png = tab.capture_screenshot(CaptureScreenshotFormatOption::Png, None, None, true)?;
        std::fs::write(self.shots.join(name), png)?;
        Ok(())
    }
}
