//! Work run within a budget of time and memory: a page template is the author's code, and
//! a template that doubles a string or loops for ever must end the run with an error, not
//! exhaust the machine. The work runs on a thread of its own; the program's allocator (see
//! [`BudgetAllocator`], installed by the command) counts what that thread holds and stops the
//! thread, for good, once it holds more than its budget or its time is up.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// What a thread working within a budget may hold, and whether it must stop.
#[derive(Debug)]
pub struct Budget {
    limit: usize,
    held: AtomicUsize,
    stop: AtomicBool,
    over: AtomicBool,
    /// The thread waiting for the work, woken (no allocation) when the work ends or stops.
    waiting: std::thread::Thread,
}

thread_local! {
    // Set only on a thread that works within a budget; no destructor, no allocation.
    static BUDGET: Cell<Option<&'static Budget>> = const { Cell::new(None) };
}

/// The budget of the calling thread, if it has one (and its thread-local storage is alive).
fn current() -> Option<&'static Budget> {
    BUDGET.try_with(Cell::get).ok().flatten()
}

/// The system's allocator, counting what a thread working within a [`Budget`] holds. The
/// command installs it (`#[global_allocator]`); without it, a budget's time still binds but
/// its memory is not counted.
pub struct BudgetAllocator;

// SAFETY: every call is passed to the system's allocator unchanged; the budget only counts,
// and may stop the calling thread before the call is made.
unsafe impl GlobalAlloc for BudgetAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        take(layout.size());
        // SAFETY: the caller's layout, as GlobalAlloc::alloc requires.
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        take(layout.size());
        // SAFETY: as above.
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        give(layout.size());
        // SAFETY: `ptr` was allocated by System with `layout`, as the caller guarantees.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if new_size > layout.size() {
            take(new_size - layout.size());
        } else {
            give(layout.size() - new_size);
        }
        // SAFETY: as GlobalAlloc::realloc requires of its caller.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

/// Counts `size` more bytes held by a thread within a budget; stops it past the budget or
/// once it was told to stop.
fn take(size: usize) {
    if let Some(budget) = current() {
        let held = budget.held.fetch_add(size, Ordering::Relaxed) + size;
        if held > budget.limit || budget.stop.load(Ordering::Relaxed) {
            budget.over.store(held > budget.limit, Ordering::Relaxed);
            budget.stop.store(true, Ordering::Relaxed);
            budget.waiting.unpark();
            // Stops for good: the thread holds what it holds and uses no time.
            loop {
                std::thread::sleep(Duration::from_secs(3600));
            }
        }
    }
}

fn give(size: usize) {
    if let Some(budget) = current() {
        // Memory allocated elsewhere and freed here must not count below nothing.
        let _ = budget
            .held
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |held| {
                Some(held.saturating_sub(size))
            });
    }
}

/// Why work did not finish within its budget.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Exceeded {
    /// It held more memory than it may.
    Memory,
    /// It ran longer than it may.
    Time,
    /// It ended without an answer (it panicked).
    Failed,
}

/// Runs `work` on a thread of its own, holding at most `memory` bytes (where the program
/// counts, see [`BudgetAllocator`]) for at most `time`; its answer, or why there is none. A
/// thread that exceeds its budget is stopped and left behind, holding what it held.
pub fn within<T: Send + 'static>(
    memory: usize,
    time: Duration,
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, Exceeded> {
    // One small record per call, kept for the thread that may be left stopped on it.
    let budget: &'static Budget = Box::leak(Box::new(Budget {
        limit: memory,
        held: AtomicUsize::new(0),
        stop: AtomicBool::new(false),
        over: AtomicBool::new(false),
        waiting: std::thread::current(),
    }));
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::Builder::new()
        .name("within a budget".into())
        .spawn(move || {
            // Dropped (and so disconnected) however the work ends: a panic too.
            let tx = tx;
            BUDGET.with(|b| b.set(Some(budget)));
            let answer = work();
            BUDGET.with(|b| b.set(None));
            let _ = tx.send(answer);
            budget.waiting.unpark();
        })
        .map_err(|_| Exceeded::Failed)?;
    let deadline = Instant::now() + time;
    loop {
        match rx.try_recv() {
            Ok(answer) => return Ok(answer),
            Err(std::sync::mpsc::TryRecvError::Disconnected) => return Err(Exceeded::Failed),
            Err(std::sync::mpsc::TryRecvError::Empty) => {}
        }
        if budget.over.load(Ordering::Relaxed) {
            return Err(Exceeded::Memory);
        }
        let now = Instant::now();
        if now >= deadline {
            // It stops at its next allocation; until then it only uses time.
            budget.stop.store(true, Ordering::Relaxed);
            return Err(Exceeded::Time);
        }
        // Woken when the work answers or stops; a spurious wake only loops once more. A
        // panic wakes no one: the wait is short enough to notice it.
        std::thread::park_timeout((deadline - now).min(Duration::from_millis(50)));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn work_within_its_budget_gives_its_answer() {
        assert_eq!(within(1 << 20, Duration::from_secs(5), || 6 * 7), Ok(42));
    }

    #[test]
    fn work_that_runs_too_long_is_left_behind() {
        let started = Instant::now();
        let answer = within(1 << 20, Duration::from_millis(50), || {
            std::thread::sleep(Duration::from_secs(2));
            1
        });
        assert_eq!(answer, Err(Exceeded::Time));
        assert!(started.elapsed() < Duration::from_secs(1));
    }
}
