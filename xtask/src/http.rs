//! HTTP GETs with a short timeout and a download progress bar.

use std::io::Read;
use std::time::Duration;

use anyhow::{Result, anyhow};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// The largest response accepted (listing or package).
const MAX_BODY: u64 = 1 << 30;

/// A blocking client whose every phase (connect, each read, the response head) times out
/// after `timeout`, so a dead or stalled server fails fast.
pub struct Client {
    agent: ureq::Agent,
}

fn describe(url: &str, e: &ureq::Error) -> anyhow::Error {
    match e {
        ureq::Error::StatusCode(code) => {
            let reason = match code {
                404 => " Not Found",
                403 => " Forbidden",
                500 => " Internal Server Error",
                502 => " Bad Gateway",
                503 => " Service Unavailable",
                _ => "",
            };
            anyhow!("GET {url}: HTTP {code}{reason}")
        }
        ureq::Error::Timeout(_) => anyhow!("GET {url}: timed out ({e})"),
        ureq::Error::Io(io) if io.kind() == std::io::ErrorKind::TimedOut => {
            anyhow!("GET {url}: timed out ({e})")
        }
        _ => anyhow!("GET {url}: {e} (no network, or the server is down?)"),
    }
}

impl Client {
    /// A client with the given per-phase timeout.
    pub fn new(timeout: Duration) -> Client {
        let t = Some(timeout);
        let config = ureq::Agent::config_builder()
            .timeout_connect(t)
            .timeout_resolve(t)
            .timeout_send_request(t)
            .timeout_recv_response(t)
            .timeout_per_read(t)
            .timeout_per_write(t)
            .user_agent(concat!("nvml-rs-xtask/", env!("CARGO_PKG_VERSION")))
            .build();
        Client {
            agent: config.into(),
        }
    }

    /// GETs `url`; with `progress`, shows a bar on stderr labelled with it.
    pub fn get(&self, url: &str, progress: Option<&str>) -> Result<Vec<u8>> {
        let response = self.agent.get(url).call().map_err(|e| describe(url, &e))?;
        let body = response.into_body();
        let total = body.content_length();
        let mut reader = body.into_with_config().limit(MAX_BODY).reader();
        let bar = match progress {
            Some(label) => {
                let bar = ProgressBar::with_draw_target(total, ProgressDrawTarget::stderr());
                let style = ProgressStyle::with_template(
                    "{msg} [{bar:32}] {bytes}/{total_bytes} {bytes_per_sec} {eta}",
                )
                .map(|s| s.progress_chars("=> "))
                .unwrap_or_else(|_| ProgressStyle::default_bar());
                bar.set_style(style);
                bar.set_message(label.to_string());
                bar
            }
            None => ProgressBar::hidden(),
        };
        let mut data = Vec::with_capacity(
            total
                .and_then(|t| usize::try_from(t.min(MAX_BODY)).ok())
                .unwrap_or(0),
        );
        let mut chunk = vec![0u8; 64 * 1024];
        loop {
            let n = match reader.read(&mut chunk) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    bar.abandon();
                    let kind = e.kind();
                    let msg = match e.into_inner() {
                        Some(inner) => inner.to_string(),
                        None => format!("{kind}"),
                    };
                    if kind == std::io::ErrorKind::TimedOut || msg.contains("imeout") {
                        return Err(anyhow!("GET {url}: timed out reading the body ({msg})"));
                    }
                    return Err(anyhow!("GET {url}: download failed: {msg}"));
                }
            };
            data.extend_from_slice(chunk.get(..n).unwrap_or_default());
            bar.inc(n as u64);
        }
        bar.finish_and_clear();
        if let Some(t) = total
            && (data.len() as u64) < t
        {
            return Err(anyhow!(
                "GET {url}: connection closed after {} of {t} bytes",
                data.len()
            ));
        }
        Ok(data)
    }
}
