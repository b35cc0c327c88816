//! A minimal browser for the console's tests over HTTP: keeps cookies, follows no
//! redirects (tests check them), posts URL-encoded forms, and reads the CSRF token
//! from the pages it gets.

use std::collections::BTreeMap;

use reqwest::StatusCode;
use reqwest::header::{COOKIE, LOCATION, SET_COOKIE};

/// A page as the console answered it.
#[derive(Debug)]
pub struct Page {
    pub status: StatusCode,
    /// Where a redirect points, if it is one.
    pub location: Option<String>,
    /// Every `Set-Cookie` header, as sent.
    pub set_cookies: Vec<String>,
    pub body: String,
}

impl Page {
    /// The value of the first `name="csrf" value="..."` field of the page.
    pub fn csrf(&self) -> String {
        let marker = "name=\"csrf\" value=\"";
        let start = self.body.find(marker).expect("the page has a CSRF field") + marker.len();
        let end = self.body[start..].find('"').unwrap() + start;
        self.body[start..end].to_owned()
    }

    /// The rows of the audit log's table: (who, action, target, detail).
    pub fn audit_rows(&self) -> Vec<[String; 4]> {
        let body = &self.body;
        let Some(start) = body.find("<table id=\"audit\">") else {
            return Vec::new();
        };
        let table = &body[start..start + body[start..].find("</table>").unwrap()];
        table
            .split("<tr>")
            .skip(2)
            .map(|row| {
                let cells: Vec<String> = row
                    .split("<td>")
                    .skip(1)
                    .map(|c| c[..c.find("</td>").unwrap()].to_owned())
                    .collect();
                [
                    cells[1].clone(),
                    cells[2].clone(),
                    cells[3].clone(),
                    cells[4].clone(),
                ]
            })
            .collect()
    }

    /// Asserts a redirect to `to` (a path).
    pub fn assert_redirect(&self, to: &str) {
        assert!(
            self.status.is_redirection(),
            "expected a redirect to {to}, got {}: {}",
            self.status,
            self.body
        );
        assert_eq!(self.location.as_deref(), Some(to));
    }
}

/// A cookie-keeping client for one server.
pub struct Browser {
    pub base: String,
    client: reqwest::Client,
    pub cookies: BTreeMap<String, String>,
}

impl Browser {
    pub fn new(base: &str) -> Browser {
        Browser::with_headers(base, reqwest::header::HeaderMap::new())
    }

    /// A browser whose every request carries `headers` (as a proxy in front would add).
    pub fn with_headers(base: &str, headers: reqwest::header::HeaderMap) -> Browser {
        Browser {
            base: base.to_owned(),
            client: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .default_headers(headers)
                .build()
                .unwrap(),
            cookies: BTreeMap::new(),
        }
    }

    fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    async fn finish(&mut self, response: reqwest::Response) -> Page {
        let status = response.status();
        let location = response
            .headers()
            .get(LOCATION)
            .map(|v| v.to_str().unwrap().to_owned());
        let set_cookies: Vec<String> = response
            .headers()
            .get_all(SET_COOKIE)
            .iter()
            .map(|v| v.to_str().unwrap().to_owned())
            .collect();
        for set in &set_cookies {
            let pair = set.split(';').next().unwrap();
            let (name, value) = pair.split_once('=').unwrap();
            if value.is_empty() || set.contains("Max-Age=0") {
                self.cookies.remove(name);
            } else {
                self.cookies.insert(name.to_owned(), value.to_owned());
            }
        }
        let body = response.text().await.unwrap();
        Page {
            status,
            location,
            set_cookies,
            body,
        }
    }

    pub async fn get(&mut self, path: &str) -> Page {
        let response = self
            .client
            .get(format!("{}{path}", self.base))
            .header(COOKIE, self.cookie_header())
            .send()
            .await
            .unwrap();
        self.finish(response).await
    }

    /// GETs a download: its status, content type and bytes (a workbook is not text).
    pub async fn download(&mut self, path: &str) -> (StatusCode, String, Vec<u8>) {
        let (status, headers, bytes) = self.download_with_headers(path).await;
        let kind = headers
            .get(reqwest::header::CONTENT_TYPE)
            .map(|v| v.to_str().unwrap().to_owned())
            .unwrap_or_default();
        (status, kind, bytes)
    }

    /// GETs a download: its status, every header and the bytes.
    pub async fn download_with_headers(
        &mut self,
        path: &str,
    ) -> (StatusCode, reqwest::header::HeaderMap, Vec<u8>) {
        let response = self
            .client
            .get(format!("{}{path}", self.base))
            .header(COOKIE, self.cookie_header())
            .send()
            .await
            .unwrap();
        let (status, headers) = (response.status(), response.headers().clone());
        (status, headers, response.bytes().await.unwrap().to_vec())
    }

    /// Posts URL-encoded `fields` (as a browser would from this site, with its Origin).
    pub async fn post(&mut self, path: &str, fields: &[(&str, &str)]) -> Page {
        let response = self
            .client
            .post(format!("{}{path}", self.base))
            .header(COOKIE, self.cookie_header())
            .header("origin", &self.base)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(serde_urlencoded_pairs(fields))
            .send()
            .await
            .unwrap();
        self.finish(response).await
    }

    /// Posts a multipart form: text `fields` first, then one file.
    pub async fn post_file(
        &mut self,
        path: &str,
        fields: &[(&str, &str)],
        file_field: &str,
        file_name: &str,
        bytes: Vec<u8>,
    ) -> Page {
        self.post_files(path, fields, &[(file_field, file_name, &bytes)])
            .await
    }

    /// Posts a multipart form: text `fields` first, then the files (field, file name,
    /// bytes) in order.
    pub async fn post_files(
        &mut self,
        path: &str,
        fields: &[(&str, &str)],
        files: &[(&str, &str, &[u8])],
    ) -> Page {
        let boundary = "----branchbook-test-boundary-7f3a";
        let mut body = Vec::new();
        for (k, v) in fields {
            body.extend_from_slice(
                format!(
                    "--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n"
                )
                .as_bytes(),
            );
        }
        for (file_field, file_name, bytes) in files {
            body.extend_from_slice(
                format!(
                    "--{boundary}\r\nContent-Disposition: form-data; name=\"{file_field}\"; filename=\"{file_name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
                )
                .as_bytes(),
            );
            body.extend_from_slice(bytes);
            body.extend_from_slice(b"\r\n");
        }
        body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
        let response = self
            .client
            .post(format!("{}{path}", self.base))
            .header(COOKIE, self.cookie_header())
            .header("origin", &self.base)
            .header(
                "content-type",
                format!("multipart/form-data; boundary={boundary}"),
            )
            .body(body)
            .send()
            .await
            .unwrap();
        self.finish(response).await
    }

    /// Logs in through the login page; returns the answer (a redirect when it worked).
    pub async fn log_in(&mut self, username: &str, password: &str) -> Page {
        self.post("/login", &[("username", username), ("password", password)])
            .await
    }

    /// Logs in with a one-time password and replaces it through the password page.
    pub async fn log_in_fresh(&mut self, username: &str, one_time: &str, new: &str) {
        self.log_in(username, one_time)
            .await
            .assert_redirect("/password");
        let csrf = self.get("/password").await.csrf();
        self.post(
            "/password",
            &[
                ("csrf", &csrf),
                ("current", one_time),
                ("new", new),
                ("repeat", new),
            ],
        )
        .await
        .assert_redirect("/?changed=1");
    }

    /// The CSRF token of the signed-in session (read from the home page).
    pub async fn csrf(&mut self) -> String {
        self.get("/").await.csrf()
    }
}

fn serde_urlencoded_pairs(fields: &[(&str, &str)]) -> String {
    fields
        .iter()
        .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

fn encode(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}
