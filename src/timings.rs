//! Wall-clock time of each pipeline stage, for `--timings` and the summary.

use std::time::{Duration, Instant};

/// Stage names and durations, in the order the stages ran.
#[derive(Debug, Clone, Default)]
pub struct Timings {
    stages: Vec<(&'static str, Duration)>,
}

impl Timings {
    /// Runs `stage` and records how long it took under `name`.
    pub fn time<T>(&mut self, name: &'static str, stage: impl FnOnce() -> T) -> T {
        let start = Instant::now();
        let result = stage();
        self.stages.push((name, start.elapsed()));
        result
    }

    /// Each stage and its duration, in order.
    pub fn stages(&self) -> &[(&'static str, Duration)] {
        &self.stages
    }

    /// The sum of all stages.
    pub fn total(&self) -> Duration {
        self.stages.iter().map(|(_, d)| *d).sum()
    }
}
