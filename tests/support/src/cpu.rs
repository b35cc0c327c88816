//! This process's CPU time as Linux reports it, for the benchmarks that print what a step
//! costs in CPU beside its wall time (on a machine with few cores, a step that needs more
//! CPU than the cores give cannot go faster, whatever it waits on).

/// Seconds of CPU this process has used so far, all its threads, user and system
/// (`/proc/self/stat`, in clock ticks of 1/100 s); `None` where the file is missing or
/// unreadable (not Linux).
pub fn own_cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // The command name (field 2) may hold spaces: fields are counted after its ')'.
    let after_name = stat.rsplit_once(')')?.1;
    let mut fields = after_name.split_whitespace().skip(11);
    let user: u64 = fields.next()?.parse().ok()?;
    let system: u64 = fields.next()?.parse().ok()?;
    Some((user + system) as f64 / TICKS_PER_SECOND)
}

/// `USER_HZ`, which Linux fixes at 100 on every architecture it reports to user space.
const TICKS_PER_SECOND: f64 = 100.0;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn work_on_the_cpu_is_counted_and_waiting_is_not() {
        let before = own_cpu_seconds().unwrap_or(f64::NAN);
        std::thread::sleep(std::time::Duration::from_millis(300));
        let slept = own_cpu_seconds().unwrap_or(f64::NAN) - before;
        // 300 million dependent multiply-adds: about 0.3 to 1 s of one core, however
        // the machine shares its cores out.
        let mut x = 1u64;
        for _ in 0..300_000_000u64 {
            x = std::hint::black_box(x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1));
        }
        let worked = own_cpu_seconds().unwrap_or(f64::NAN) - before - slept;
        assert!(slept < 0.1, "{slept} s of CPU while sleeping 0.3 s");
        assert!(worked > 0.1, "{worked} s of CPU for a busy loop");
    }
}
