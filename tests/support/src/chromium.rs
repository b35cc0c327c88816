//! A real browser for the console's tests: headless Chromium driven over WebDriver by
//! Debian's `chromedriver` (installed by `tests/browser.sh`). The client is the handful
//! of W3C WebDriver calls the tests need, over blocking HTTP (ureq), so no WebDriver
//! crate is needed. Its helpers assert: a call that fails fails the test.
//!
//! Without a driver the browser tests are skipped with a notice, unless
//! [`BROWSER_REQUIRED_VAR`] is `1` (tests/run.sh sets it), when they fail.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test helpers: a failed call is a failed test

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use base64::Engine;
use serde_json::{Value, json};

/// Environment variable naming the chromedriver program (default: `chromedriver` on PATH).
pub const DRIVER_VAR: &str = "BRANCHBOOK_CHROMEDRIVER";
/// When set to 1, a missing browser fails the tests instead of skipping them.
pub const BROWSER_REQUIRED_VAR: &str = "BRANCHBOOK_REQUIRE_BROWSER";
/// The W3C name of an element reference in WebDriver answers.
const ELEMENT_KEY: &str = "element-6066-11e4-a52e-4f735466cecf";
/// How long a page or element may take to appear.
const WAIT: Duration = Duration::from_secs(20);

/// A chromedriver process and one headless Chromium session; both end when dropped.
pub struct Chromium {
    driver: Child,
    session: String,
    base: String,
    agent: ureq::Agent,
    /// Where screenshots are written (`target/browser/<name>`).
    pub shots: PathBuf,
}

/// An element of the current page.
#[derive(Debug, Clone)]
pub struct Element(String);

fn driver_program() -> Option<PathBuf> {
    if let Ok(path) = std::env::var(DRIVER_VAR) {
        return Some(PathBuf::from(path));
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join("chromedriver"))
        .find(|p| p.is_file())
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// The workspace's `target` folder (or `CARGO_TARGET_DIR`).
fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target"))
}

impl Chromium {
    /// Starts chromedriver and a headless Chromium window of 1366x768 (a commune office
    /// laptop), saving screenshots under `target/browser/<name>`; `None`, after saying
    /// so, when there is no driver and none is required.
    pub fn start(name: &str) -> Option<Chromium> {
        let Some(program) = driver_program() else {
            if std::env::var(BROWSER_REQUIRED_VAR).as_deref() == Ok("1") {
                panic!("no chromedriver but {BROWSER_REQUIRED_VAR}=1: the browser tests must run");
            }
            eprintln!("SKIPPED: browser test (no chromedriver; tests/browser.sh installs it)");
            return None;
        };
        let port = free_port();
        let driver = Command::new(&program)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e}", program.display()));
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(120)))
            .build()
            .into();
        let base = format!("http://127.0.0.1:{port}");
        let deadline = Instant::now() + WAIT;
        while agent.get(format!("{base}/status")).call().is_err() {
            assert!(Instant::now() < deadline, "chromedriver did not start");
            std::thread::sleep(Duration::from_millis(50));
        }
        let mut args = vec![
            "--headless=new",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--window-size=1366,768",
            "--lang=vi",
        ];
        // Chromium's sandbox needs user namespaces a CI container may not give root.
        args.push("--no-sandbox");
        let mut options = json!({ "args": args });
        if let Some(binary) = ["/usr/bin/chromium", "/usr/bin/chromium-browser"]
            .iter()
            .find(|p| Path::new(p).is_file())
        {
            options["binary"] = json!(binary);
        }
        let mut browser = Chromium {
            driver,
            session: String::new(),
            base,
            agent,
            shots: target_dir().join("browser").join(name),
        };
        let created = browser.send(
            "POST",
            "/session",
            Some(json!({ "capabilities": { "alwaysMatch": {
                "browserName": "chrome",
                "goog:chromeOptions": options,
            }}})),
        );
        browser.session = created["sessionId"].as_str().unwrap().to_owned();
        std::fs::create_dir_all(&browser.shots).unwrap();
        Some(browser)
    }

    /// One WebDriver call; returns its `value`, failing the test on a WebDriver error.
    fn send(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        let url = format!("{}{}", self.base, path);
        let response = match method {
            "GET" => self.agent.get(&url).call(),
            "DELETE" => self.agent.delete(&url).call(),
            _ => self
                .agent
                .post(&url)
                .header("content-type", "application/json")
                .send(body.unwrap_or_else(|| json!({})).to_string()),
        };
        let mut response = response.unwrap_or_else(|e| panic!("{method} {path}: {e}"));
        let status = response.status();
        let text = response.body_mut().read_to_string().unwrap();
        let answer: Value = serde_json::from_str(&text).unwrap();
        let value = answer.get("value").cloned().unwrap_or(Value::Null);
        assert!(status.is_success(), "{method} {path}: {status} {value}");
        value
    }

    fn session_path(&self, rest: &str) -> String {
        format!("/session/{}{}", self.session, rest)
    }

    /// Opens `url`.
    pub fn go(&self, url: &str) {
        self.send(
            "POST",
            &self.session_path("/url"),
            Some(json!({ "url": url })),
        );
    }

    /// The address of the current page.
    pub fn url(&self) -> String {
        let value = self.send("GET", &self.session_path("/url"), None);
        value.as_str().unwrap().to_owned()
    }

    /// The current page's HTML as the browser holds it.
    pub fn source(&self) -> String {
        let value = self.send("GET", &self.session_path("/source"), None);
        value.as_str().unwrap().to_owned()
    }

    /// Every element matching a CSS selector (empty when none).
    pub fn all(&self, css: &str) -> Vec<Element> {
        let found = self.send(
            "POST",
            &self.session_path("/elements"),
            Some(json!({ "using": "css selector", "value": css })),
        );
        found
            .as_array()
            .unwrap()
            .iter()
            .map(|e| Element(e[ELEMENT_KEY].as_str().unwrap().to_owned()))
            .collect()
    }

    /// The first element matching a CSS selector, waiting for it to appear.
    pub fn find(&self, css: &str) -> Element {
        let deadline = Instant::now() + WAIT;
        loop {
            if let Some(e) = self.all(css).into_iter().next() {
                return e;
            }
            assert!(
                Instant::now() < deadline,
                "no {css} on {}:\n{}",
                self.url(),
                self.text("body")
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// The visible text of the first element matching `css`.
    pub fn text(&self, css: &str) -> String {
        let Some(element) = self.all(css).into_iter().next() else {
            return String::new();
        };
        self.text_of(&element)
    }

    /// The visible text of an element.
    pub fn text_of(&self, element: &Element) -> String {
        let value = self.send(
            "GET",
            &self.session_path(&format!("/element/{}/text", element.0)),
            None,
        );
        value.as_str().unwrap().to_owned()
    }

    /// Types into the element matching `css` (for a file input: the file's path).
    pub fn fill(&self, css: &str, text: &str) {
        let element = self.find(css);
        self.send(
            "POST",
            &self.session_path(&format!("/element/{}/clear", element.0)),
            None,
        );
        self.send(
            "POST",
            &self.session_path(&format!("/element/{}/value", element.0)),
            Some(json!({ "text": text })),
        );
    }

    /// Attaches a file to the file input matching `css`.
    pub fn attach(&self, css: &str, file: &Path) {
        let element = self.find(css);
        self.send(
            "POST",
            &self.session_path(&format!("/element/{}/value", element.0)),
            Some(json!({ "text": file.to_str().unwrap() })),
        );
    }

    /// Clicks the link or button matching `css` and waits for the page it leads to: the
    /// old page is marked first, so an element of it is never taken for one of the new.
    pub fn click(&self, css: &str) {
        let element = self.find(css);
        self.script("window.__leaving = true; return null");
        self.click_on(&element);
        let deadline = Instant::now() + WAIT;
        let arrived = "return window.__leaving === undefined && document.readyState === 'complete'";
        while self.script(arrived) != Value::Bool(true) {
            assert!(Instant::now() < deadline, "clicking {css} led nowhere");
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Clicks an element (and does not wait for anything).
    pub fn click_on(&self, element: &Element) {
        self.send(
            "POST",
            &self.session_path(&format!("/element/{}/click", element.0)),
            None,
        );
    }

    /// Chooses the option whose visible text contains `label` in the select matching `css`.
    pub fn choose(&self, css: &str, label: &str) {
        self.find(css);
        let option = self
            .all(&format!("{css} option"))
            .into_iter()
            .find(|o| self.text_of(o).contains(label))
            .unwrap_or_else(|| panic!("no option {label:?} in {css}"));
        self.click_on(&option);
    }

    /// Resizes the window (e.g. to a phone's 390x844).
    pub fn resize(&self, width: u32, height: u32) {
        self.send(
            "POST",
            &self.session_path("/window/rect"),
            Some(json!({ "width": width, "height": height })),
        );
    }

    /// True when the page is wider than the window (the reader must scroll sideways).
    pub fn overflows(&self) -> bool {
        self.script("return document.documentElement.scrollWidth > window.innerWidth")
            == Value::Bool(true)
    }

    /// Runs a script in the page and returns its result.
    pub fn script(&self, script: &str) -> Value {
        self.send(
            "POST",
            &self.session_path("/execute/sync"),
            Some(json!({ "script": script, "args": [] })),
        )
    }

    /// A PNG of the element matching `css`.
    pub fn element_png(&self, css: &str) -> Vec<u8> {
        let element = self.find(css);
        let value = self.send(
            "GET",
            &self.session_path(&format!("/element/{}/screenshot", element.0)),
            None,
        );
        decode_png(&value)
    }

    /// Saves a screenshot of the window as `<step>.png` in [`Self::shots`] (`step` may
    /// name a subfolder) and returns its path.
    pub fn shot(&self, step: &str) -> PathBuf {
        let value = self.send("GET", &self.session_path("/screenshot"), None);
        let path = self.shots.join(format!("{step}.png"));
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).unwrap();
        }
        std::fs::write(&path, decode_png(&value)).unwrap();
        path
    }
}

fn decode_png(value: &Value) -> Vec<u8> {
    base64::engine::general_purpose::STANDARD
        .decode(value.as_str().unwrap())
        .unwrap()
}

impl Drop for Chromium {
    fn drop(&mut self) {
        if !self.session.is_empty() {
            let path = self.session_path("");
            let _ = self.agent.delete(format!("{}{path}", self.base)).call();
        }
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}
