//! Wall-clock time of each pipeline stage, for `--timings` and the summary,
//! and the CPU time the process spent in it where the platform tells.

use std::time::{Duration, Instant};

/// Stage names and durations, in the order the stages ran.
#[derive(Debug, Clone, Default)]
pub struct Timings {
    stages: Vec<(&'static str, Duration)>,
    /// CPU time (user + system, all threads) of each stage, parallel to
    /// `stages`: with wall time it shows which stages use both cores.
    cpu: Vec<Option<Duration>>,
    /// Peak resident memory of the process at the end of each stage, in
    /// bytes, parallel to `stages`: which stage raised the peak.
    peak_memory: Vec<Option<u64>>,
}

impl Timings {
    /// Runs `stage` and records how long it took under `name`.
    pub fn time<T>(&mut self, name: &'static str, stage: impl FnOnce() -> T) -> T {
        let cpu_before = process_cpu_time();
        let start = Instant::now();
        let result = stage();
        self.stages.push((name, start.elapsed()));
        self.cpu.push(cpu_before.zip(process_cpu_time()).map(|(before, after)| after.saturating_sub(before)));
        self.peak_memory.push(peak_resident_bytes());
        result
    }

    /// Runs two stages side by side (`rayon::join`) and records each one's
    /// wall time. Their CPU time cannot be told apart, so both are recorded
    /// without it; the peak memory recorded is the pair's.
    pub fn time_concurrently<A: Send, B: Send>(
        &mut self,
        (first_name, first): (&'static str, impl FnOnce() -> A + Send),
        (second_name, second): (&'static str, impl FnOnce() -> B + Send),
    ) -> (A, B) {
        fn timed<T>(stage: impl FnOnce() -> T) -> (T, Duration) {
            let start = Instant::now();
            let result = stage();
            (result, start.elapsed())
        }
        let ((a, a_wall), (b, b_wall)) = rayon::join(|| timed(first), || timed(second));
        let peak = peak_resident_bytes();
        for (name, wall) in [(first_name, a_wall), (second_name, b_wall)] {
            self.stages.push((name, wall));
            self.cpu.push(None);
            self.peak_memory.push(peak);
        }
        (a, b)
    }

    /// Records a stage that ran on a thread of its own beside the others,
    /// timed there. Its CPU time cannot be told apart from theirs.
    pub fn record(&mut self, name: &'static str, wall: Duration) {
        self.stages.push((name, wall));
        self.cpu.push(None);
        self.peak_memory.push(peak_resident_bytes());
    }

    /// Each stage and its duration, in order.
    pub fn stages(&self) -> &[(&'static str, Duration)] {
        &self.stages
    }

    /// The CPU time of the stage at `index` of [`Timings::stages`], when
    /// known (Linux only, in 10 ms steps).
    pub fn cpu_time(&self, index: usize) -> Option<Duration> {
        self.cpu.get(index).copied().flatten()
    }

    /// The process's peak resident memory, in bytes, when the stage at
    /// `index` ended (Linux only).
    pub fn peak_memory(&self, index: usize) -> Option<u64> {
        self.peak_memory.get(index).copied().flatten()
    }
}

/// User plus system CPU time of this process so far, from `/proc/self/stat`.
#[cfg(target_os = "linux")]
fn process_cpu_time() -> Option<Duration> {
    /// Clock ticks per second of `/proc` times: 100 on every Linux
    /// architecture srebook builds for (`USER_HZ`).
    const TICKS_PER_SECOND: u64 = 100;
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // The command name (field 2) may hold spaces; the fields after its
    // closing parenthesis are space-separated, utime and stime being the
    // 12th and 13th of them.
    let after_name = &stat[stat.rfind(')')? + 1..];
    let mut fields = after_name.split_whitespace().skip(11);
    let user: u64 = fields.next()?.parse().ok()?;
    let system: u64 = fields.next()?.parse().ok()?;
    Some(Duration::from_millis((user + system) * 1000 / TICKS_PER_SECOND))
}

/// Peak resident set size of this process so far (`VmHWM`).
#[cfg(target_os = "linux")]
fn peak_resident_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|line| line.starts_with("VmHWM:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

#[cfg(not(target_os = "linux"))]
fn process_cpu_time() -> Option<Duration> {
    None
}

#[cfg(not(target_os = "linux"))]
fn peak_resident_bytes() -> Option<u64> {
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn busy_stage_records_cpu_time_on_linux() {
        let mut timings = Timings::default();
        timings.time("spin", || {
            let start = Instant::now();
            let mut x = 0u64;
            while start.elapsed() < Duration::from_millis(60) {
                x = std::hint::black_box(x.wrapping_mul(31).wrapping_add(7));
            }
        });
        assert_eq!(timings.stages().len(), 1);
        if cfg!(target_os = "linux") {
            let cpu = timings.cpu_time(0).expect("linux reports CPU time");
            assert!(cpu >= Duration::from_millis(20), "a 60 ms spin used {cpu:?} of CPU");
            assert!(timings.peak_memory(0).expect("linux reports peak memory") > 0);
        }
    }
}
