//! This process's memory as Linux reports it, for the benchmarks that print what a step
//! costs in memory (peak growth over a step: reset or read the peak, run, read again).

/// A line of `/proc/self/status` in MB (`VmHWM`: the peak resident memory so far,
/// `VmRSS`: resident now); `None` where the file or the line is missing (not Linux).
pub fn own_status_mb(key: &str) -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let kb: f64 = status
        .lines()
        .find_map(|l| l.strip_prefix(key)?.strip_prefix(':'))
        .and_then(|v| v.split_whitespace().next()?.parse().ok())?;
    Some(kb / 1024.0)
}
