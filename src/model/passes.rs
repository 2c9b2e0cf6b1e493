//! The passes over one data set: remembered and counted.
//!
//! A pass is arithmetic-bound (an exponential and a logarithm per row), so a pass not made is
//! the only saving that counts at large N. The fits of one data set meet the same points more
//! than once: every fit starts at w0, whatever its λ (the gradient check, BFGS's first value
//! and gradient, its first inverse Hessian, Newton's first step), and with the exact inverse
//! Hessian as its start BFGS's first trial point is Newton's. The data part of a pass does
//! not depend on λ, so [`Passes`] keeps the last few of them, keyed by the point's bits and by
//! how much they computed; an objective adds its own penalty after. What it returns is the
//! same bits a new pass would give, so remembering changes no result, only the cost.
//!
//! It also counts the passes actually made, by depth, for `results.json`.

use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use super::blocks::BlockSums;

/// How many recent passes are remembered.
const REMEMBERED: usize = 8;

/// Passes made over a data set, by what they computed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct PassCount {
    /// Passes that computed the value only.
    pub value: u64,
    /// Passes that computed the value and the gradient.
    pub gradient: u64,
    /// Passes that also computed the Hessian.
    pub hessian: u64,
}

impl PassCount {
    /// All passes, whatever they computed.
    pub fn total(&self) -> u64 {
        self.value + self.gradient + self.hessian
    }

    /// The passes made since `earlier`.
    pub fn since(&self, earlier: &PassCount) -> PassCount {
        PassCount {
            value: self.value - earlier.value,
            gradient: self.gradient - earlier.gradient,
            hessian: self.hessian - earlier.hessian,
        }
    }

    /// Both counts together.
    pub fn plus(&self, other: &PassCount) -> PassCount {
        PassCount {
            value: self.value + other.value,
            gradient: self.gradient + other.gradient,
            hessian: self.hessian + other.hessian,
        }
    }
}

#[derive(Clone, Copy)]
struct Entry {
    point: [u64; 3],
    depth: u8,
    sums: BlockSums,
}

/// The recent passes over one data set, shared by its objectives (see the module
/// documentation). Looking up and storing allocate nothing.
#[derive(Default)]
pub struct Passes {
    remembered: Mutex<([Option<Entry>; REMEMBERED], usize)>,
    counts: [AtomicU64; 3],
}

impl Passes {
    /// The data part of a pass at `w` that computed at least `depth`, if one is remembered.
    pub(crate) fn recall(&self, w: [f64; 3], depth: u8) -> Option<BlockSums> {
        let point = w.map(f64::to_bits);
        let remembered = self.remembered.lock().unwrap_or_else(|p| p.into_inner());
        remembered
            .0
            .iter()
            .flatten()
            .find(|e| e.point == point && e.depth >= depth)
            .map(|e| e.sums)
    }

    /// Remembers a pass just made (replacing the oldest) and counts it.
    pub(crate) fn made(&self, w: [f64; 3], depth: u8, sums: BlockSums) {
        let mut remembered = self.remembered.lock().unwrap_or_else(|p| p.into_inner());
        let (entries, next) = &mut *remembered;
        entries[*next] = Some(Entry {
            point: w.map(f64::to_bits),
            depth,
            sums,
        });
        *next = (*next + 1) % REMEMBERED;
        self.counts[usize::from(depth.min(2))].fetch_add(1, Ordering::Relaxed);
    }

    /// The passes made so far.
    pub fn count(&self) -> PassCount {
        let load = |k: usize| self.counts[k].load(Ordering::Relaxed);
        PassCount {
            value: load(0),
            gradient: load(1),
            hessian: load(2),
        }
    }
}
