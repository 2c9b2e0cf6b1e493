//! How much memory a run needs, and whether the system lets it have that much. Checked before
//! the data are drawn, so that a run too large for its limits ends with one clear line
//! instead of an allocator abort halfway through.

use std::fmt;

use rustix::process::Resource;

/// Memory a run needs whatever N is (resident): code, page, figures, CSV pieces in flight.
const FIXED_RESIDENT: u64 = 32 << 20;
/// Address space a run reserves whatever N is: thread stacks and the allocator's per-thread
/// arenas, which count against `ulimit -v` long before they are used.
const FIXED_VIRTUAL: u64 = 256 << 20;
/// Memory per point: both data sets, 17 bytes a point each (CSV text is made in pieces as it
/// is written, never held). Measured peaks at N = 10⁶, 4·10⁶ and 10⁷ grow by 33 bytes a
/// point, resident and virtual alike; 40 leaves a margin.
const BYTES_PER_POINT: u64 = 40;

/// Which limit a run would exceed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Limit {
    /// `ulimit -v` (RLIMIT_AS).
    AddressSpace,
    /// `ulimit -d` (RLIMIT_DATA).
    DataSegment,
    /// The memory limit of the control group the process runs in.
    ControlGroup,
    /// The machine's memory and swap together.
    Machine,
}

/// What a run needs beside what it may have.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shortfall {
    /// Bytes the run needs, of the kind the limit counts.
    pub needed: u64,
    /// Bytes the limit allows.
    pub allowed: u64,
    /// The limit.
    pub limit: Limit,
}

impl fmt::Display for Shortfall {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let limit = match self.limit {
            Limit::AddressSpace => "the address-space limit (ulimit -v)",
            Limit::DataSegment => "the data-segment limit (ulimit -d)",
            Limit::ControlGroup => "the control group's memory limit",
            Limit::Machine => "this machine's memory and swap",
        };
        write!(
            f,
            "the run needs about {}, but {limit} allows {}",
            size(self.needed),
            size(self.allowed)
        )
    }
}

/// Bytes in binary units with one decimal: `1.4 GiB`, `293.0 MiB`.
pub fn size(bytes: u64) -> String {
    let units = ["B", "KiB", "MiB", "GiB", "TiB"];
    let (mut value, mut unit) = (bytes as f64, 0);
    while value >= 1024.0 && unit + 1 < units.len() {
        value /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{bytes} B")
    } else {
        format!("{value:.1} {}", units[unit])
    }
}

/// Resident bytes a run with `n` points per data set needs.
pub fn resident(n: usize) -> u64 {
    FIXED_RESIDENT.saturating_add(BYTES_PER_POINT.saturating_mul(n as u64))
}

/// Address space a run with `n` points per data set needs.
pub fn address_space(n: usize) -> u64 {
    FIXED_VIRTUAL.saturating_add(BYTES_PER_POINT.saturating_mul(n as u64))
}

/// The first limit a run of `n` points would exceed, if any.
pub fn shortfall(n: usize) -> Option<Shortfall> {
    let limits = [
        (Limit::AddressSpace, address_space(n), rlimit(Resource::As)),
        (Limit::DataSegment, resident(n), rlimit(Resource::Data)),
        (Limit::ControlGroup, resident(n), control_group_limit()),
        (Limit::Machine, resident(n), machine_memory()),
    ];
    limits.into_iter().find_map(|(limit, needed, allowed)| {
        let allowed = allowed.filter(|&allowed| needed > allowed)?;
        Some(Shortfall {
            needed,
            allowed,
            limit,
        })
    })
}

fn rlimit(resource: Resource) -> Option<u64> {
    rustix::process::getrlimit(resource).current
}

/// cgroup v2's `memory.max` for this process, when one is set.
fn control_group_limit() -> Option<u64> {
    let cgroup = std::fs::read_to_string("/proc/self/cgroup").ok()?;
    let path = cgroup.lines().find_map(|l| l.strip_prefix("0::"))?;
    let max = std::fs::read_to_string(format!("/sys/fs/cgroup{path}/memory.max")).ok()?;
    max.trim().parse().ok()
}

/// MemTotal plus SwapTotal from `/proc/meminfo`.
fn machine_memory() -> Option<u64> {
    let info = std::fs::read_to_string("/proc/meminfo").ok()?;
    let field = |name: &str| -> Option<u64> {
        let line = info.lines().find(|l| l.starts_with(name))?;
        let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
        Some(kib * 1024)
    };
    Some(field("MemTotal:")? + field("SwapTotal:").unwrap_or(0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_well() {
        assert_eq!(size(512), "512 B");
        assert_eq!(size(300_000 * 1024), "293.0 MiB");
        assert_eq!(size(1_500_000_000), "1.4 GiB");
    }

    #[test]
    fn the_message_names_the_limit() {
        let s = Shortfall {
            needed: 1_500_000_000,
            allowed: 300_000 * 1024,
            limit: Limit::AddressSpace,
        };
        assert_eq!(
            s.to_string(),
            "the run needs about 1.4 GiB, but the address-space limit (ulimit -v) allows 293.0 MiB"
        );
    }

    #[test]
    fn needs_grow_with_n() {
        assert!(resident(10_000_000) > resident(100));
        assert!(address_space(100) >= resident(100));
        assert_eq!(resident(usize::MAX), u64::MAX);
    }
}
