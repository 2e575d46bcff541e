//! The CPUs and memory node behind each of a profile's NUMA nodes, as the affinity queries
//! (`nvmlDeviceGetCpuAffinity*`, `nvmlDeviceGetMemoryAffinity`, `nvmlSystemGetTopologyGpuSet`)
//! report them.
//!
//! With `"cpu_affinity": "host"` (the default) the profile's layout is laid over the CPUs this
//! process may run on (`Cpus_allowed_list` of `/proc/self/status`, else the online CPUs): when
//! the host has as many NUMA nodes with such CPUs as the profile, each profile node is the
//! host node of the same rank; otherwise the CPUs, in order, are cut into as many contiguous,
//! equal groups as the profile has nodes (when there are fewer CPUs than nodes, node `i` gets
//! CPU `i mod n`). A node's memory node is the host node that holds its first CPU. Where the
//! host tells nothing, the profile's own masks stand. With `"profile"` the profile's
//! `numa_cpus` and node numbers are reported as given.

use std::fs;

use crate::profile::{CpuAffinity, Profile};

/// Most CPUs read from the host: a list longer than this is cut (Linux allows 8192).
const MAX_HOST_CPUS: u32 = 1 << 16;

/// Most host NUMA nodes read (Linux allows 1024).
const MAX_HOST_NODES: usize = 4096;

/// One NUMA node of the profile, as reported.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Node {
    /// Its CPUs, ascending.
    pub cpus: Vec<u32>,
    /// The memory node number `nvmlDeviceGetMemoryAffinity` names.
    pub memory_node: u32,
}

/// The reported layout: one entry per profile NUMA node, plus every CPU.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Layout {
    nodes: Vec<Node>,
    all: Vec<u32>,
}

impl Layout {
    /// The layout the profile asks for, on this host.
    pub fn new(p: &Profile) -> Layout {
        let host = match p.cpu_affinity {
            CpuAffinity::Profile => None,
            CpuAffinity::Host => host_cpus().map(|cpus| (cpus, host_nodes())),
        };
        match host {
            Some((cpus, nodes)) => Layout::fit(p.numa_cpus.len(), &cpus, &nodes),
            None => Layout::from_profile(p),
        }
    }

    /// The profile's own masks and node numbers.
    pub fn from_profile(p: &Profile) -> Layout {
        let nodes = p
            .numa_cpus
            .iter()
            .enumerate()
            .map(|(i, cpus)| {
                let mut cpus = cpus.clone();
                cpus.sort_unstable();
                cpus.dedup();
                Node {
                    cpus,
                    memory_node: i as u32,
                }
            })
            .collect();
        Layout {
            nodes,
            all: (0..p.cpu_count).collect(),
        }
    }

    /// `groups` profile nodes laid over the host CPUs `cpus` whose NUMA nodes are `host`
    /// (node number and CPUs).
    pub fn fit(groups: usize, cpus: &[u32], host: &[(u32, Vec<u32>)]) -> Layout {
        let mut all = cpus.to_vec();
        all.sort_unstable();
        all.dedup();
        let mut present: Vec<(u32, Vec<u32>)> = host
            .iter()
            .map(|(id, node)| {
                let mut mine: Vec<u32> = node
                    .iter()
                    .copied()
                    .filter(|c| all.binary_search(c).is_ok())
                    .collect();
                mine.sort_unstable();
                mine.dedup();
                (*id, mine)
            })
            .filter(|(_, mine)| !mine.is_empty())
            .collect();
        present.sort_unstable_by_key(|(id, _)| *id);
        let nodes = if present.len() == groups {
            present
                .into_iter()
                .map(|(memory_node, cpus)| Node { cpus, memory_node })
                .collect()
        } else {
            let n = all.len();
            (0..groups)
                .map(|i| {
                    let cpus: Vec<u32> = if n == 0 {
                        Vec::new()
                    } else if n < groups {
                        all.get(i % n).copied().into_iter().collect()
                    } else {
                        all.get(i * n / groups..(i + 1) * n / groups)
                            .unwrap_or(&[])
                            .to_vec()
                    };
                    let memory_node = cpus
                        .first()
                        .and_then(|c| present.iter().find(|(_, p)| p.contains(c)))
                        .map_or(0, |(id, _)| *id);
                    Node { cpus, memory_node }
                })
                .collect()
        };
        Layout { nodes, all }
    }

    /// The CPUs near a GPU on profile node `numa_node`: all of them for -1 (no node), none
    /// for a node the profile does not have.
    pub fn cpus(&self, numa_node: i32) -> &[u32] {
        match usize::try_from(numa_node) {
            Ok(i) => self.nodes.get(i).map_or(&[], |n| n.cpus.as_slice()),
            Err(_) => &self.all,
        }
    }

    /// The memory node of profile node `numa_node` (`None`: -1 or a node it does not have).
    pub fn memory_node(&self, numa_node: i32) -> Option<u32> {
        let i = usize::try_from(numa_node).ok()?;
        self.nodes.get(i).map(|n| n.memory_node)
    }

    /// The profile node a CPU belongs to.
    pub fn node_of_cpu(&self, cpu: u32) -> Option<usize> {
        self.nodes.iter().position(|n| n.cpus.contains(&cpu))
    }
}

/// The CPUs this process may run on; `None` where the host does not say.
fn host_cpus() -> Option<Vec<u32>> {
    let allowed = fs::read_to_string("/proc/self/status").ok().and_then(|s| {
        s.lines()
            .find_map(|l| l.strip_prefix("Cpus_allowed_list:"))
            .and_then(|l| parse_cpu_list(l.trim()))
    });
    allowed
        .or_else(|| {
            fs::read_to_string("/sys/devices/system/cpu/online")
                .ok()
                .and_then(|s| parse_cpu_list(s.trim()))
        })
        .filter(|c| !c.is_empty())
}

/// The host's NUMA nodes (`/sys/devices/system/node/node<N>/cpulist`); empty where unknown.
fn host_nodes() -> Vec<(u32, Vec<u32>)> {
    let Ok(dir) = fs::read_dir("/sys/devices/system/node") else {
        return Vec::new();
    };
    dir.filter_map(Result::ok)
        .filter_map(|e| {
            let name = e.file_name();
            let id: u32 = name.to_str()?.strip_prefix("node")?.parse().ok()?;
            let list = fs::read_to_string(e.path().join("cpulist")).ok()?;
            Some((id, parse_cpu_list(list.trim())?))
        })
        .take(MAX_HOST_NODES)
        .collect()
}

/// A Linux CPU list (`0-3,8,10-11`); `None` when it is not one. CPUs at or above
/// [`MAX_HOST_CPUS`] are left out.
pub fn parse_cpu_list(s: &str) -> Option<Vec<u32>> {
    let mut cpus = Vec::new();
    if s.is_empty() {
        return Some(cpus);
    }
    for part in s.split(',') {
        let (lo, hi) = match part.split_once('-') {
            Some((a, b)) => (a.trim().parse::<u32>().ok()?, b.trim().parse::<u32>().ok()?),
            None => {
                let c = part.trim().parse::<u32>().ok()?;
                (c, c)
            }
        };
        if lo > hi {
            return None;
        }
        cpus.extend(lo.min(MAX_HOST_CPUS)..hi.saturating_add(1).min(MAX_HOST_CPUS));
        if cpus.len() > MAX_HOST_CPUS as usize {
            return None;
        }
    }
    Some(cpus)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cpus(l: &Layout, node: i32) -> Vec<u32> {
        l.cpus(node).to_vec()
    }

    #[test]
    fn two_cpus_for_two_nodes_give_one_each() {
        let l = Layout::fit(2, &[0, 1], &[(0, vec![0, 1])]);
        assert_eq!(cpus(&l, 0), [0]);
        assert_eq!(cpus(&l, 1), [1]);
        assert_eq!(cpus(&l, -1), [0, 1]);
        // One host node: both profile nodes keep their memory on it.
        assert_eq!((l.memory_node(0), l.memory_node(1)), (Some(0), Some(0)));
        assert_eq!(l.memory_node(2), None);
        assert_eq!(l.node_of_cpu(1), Some(1));
    }

    #[test]
    fn fewer_cpus_than_nodes_share_them_round_robin() {
        let l = Layout::fit(3, &[5], &[]);
        for node in 0..3 {
            assert_eq!(cpus(&l, node), [5]);
        }
        assert_eq!(cpus(&l, 3), Vec::<u32>::new());
    }

    #[test]
    fn cpus_are_cut_into_contiguous_equal_groups() {
        let host: Vec<u32> = (0..10).collect();
        let l = Layout::fit(4, &host, &[]);
        let got: Vec<Vec<u32>> = (0..4).map(|n| cpus(&l, n)).collect();
        assert_eq!(got, [vec![0, 1], vec![2, 3, 4], vec![5, 6], vec![7, 8, 9]]);
    }

    #[test]
    fn as_many_host_nodes_as_profile_nodes_are_used_as_they_are() {
        // Interleaved nodes, like a two-socket machine with hyper-threads; a CPU the process
        // may not use (3) is left out.
        let host = [(0, vec![0, 1, 4, 5]), (1, vec![2, 3, 6, 7])];
        let l = Layout::fit(2, &[0, 1, 2, 4, 5, 6, 7], &host);
        assert_eq!(cpus(&l, 0), [0, 1, 4, 5]);
        assert_eq!(cpus(&l, 1), [2, 6, 7]);
        assert_eq!(l.memory_node(1), Some(1));
        // A host node with no usable CPU does not count.
        let l = Layout::fit(1, &[0, 1], &host);
        assert_eq!(cpus(&l, 0), [0, 1]);
        assert_eq!(l.memory_node(0), Some(0));
    }

    #[test]
    fn memory_node_is_the_host_node_of_the_first_cpu() {
        let host = [(0, vec![0, 1]), (1, vec![2, 3]), (2, vec![4, 5])];
        let l = Layout::fit(2, &[0, 1, 2, 3, 4, 5], &host);
        assert_eq!(cpus(&l, 1), [3, 4, 5]);
        assert_eq!((l.memory_node(0), l.memory_node(1)), (Some(0), Some(1)));
    }

    #[test]
    fn cpu_lists_parse_as_linux_writes_them() {
        assert_eq!(
            parse_cpu_list("0-3,8,10-11"),
            Some(vec![0, 1, 2, 3, 8, 10, 11])
        );
        assert_eq!(parse_cpu_list(""), Some(vec![]));
        assert_eq!(parse_cpu_list("3-1"), None);
        assert_eq!(parse_cpu_list("a"), None);
        assert_eq!(
            parse_cpu_list("0-4294967295").map(|c| c.len()),
            Some(MAX_HOST_CPUS as usize)
        );
    }
}
