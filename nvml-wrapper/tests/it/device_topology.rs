//! Topology and affinity against the simulated DGX H100 (GPUs 0-3 on NUMA node 0, 4-7 on 1).
//! The exact CPU masks are the profile's under `"cpu_affinity": "profile"`; by default they
//! are the host's CPUs split into the two nodes.

use nvml_mock::profile;
use nvml_wrapper::NvmlError;
use nvml_wrapper::device::MAX_AFFINITY_WORDS;
use nvml_wrapper::enums::{AffinityScope, P2pCapability, P2pStatus, TopologyLevel};

fn dgx() -> profile::Profile {
    profile::builtin("dgx-h100").expect("the built-in profile")
}

/// The DGX H100 with its own CPU masks (`"cpu_affinity": "profile"`), from a file of its own.
fn pinned_dgx() -> crate::support::Mock {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static N: AtomicUsize = AtomicUsize::new(0);
    let dir = std::env::temp_dir().join(format!("nvml-topology-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join(format!("pinned-{}.json", N.fetch_add(1, Ordering::Relaxed)));
    std::fs::write(&file, r#"{"base": "dgx-h100", "cpu_affinity": "profile"}"#).unwrap();
    crate::support::mock_with_profile(file.to_str().unwrap())
}

/// The CPU mask of a NUMA node of the profile, in `words` 64-bit words.
fn cpu_mask(p: &profile::Profile, node: usize, words: usize) -> Vec<u64> {
    let mut mask = vec![0u64; words];
    for cpu in &p.numa_cpus[node] {
        if let Some(word) = mask.get_mut(*cpu as usize / 64) {
            *word |= 1 << (cpu % 64);
        }
    }
    mask
}

#[test]
fn common_ancestor_follows_the_numa_nodes() {
    let m = crate::support::mock();
    let p = dgx();
    let gpus = m.nvml.devices().unwrap();
    for (i, a) in gpus.iter().enumerate() {
        for (j, b) in gpus.iter().enumerate() {
            let want = if i == j {
                TopologyLevel::Internal
            } else if p.gpus[i].numa_node == p.gpus[j].numa_node {
                TopologyLevel::Node
            } else {
                TopologyLevel::System
            };
            assert_eq!(a.topology_common_ancestor(b).unwrap(), want, "{i} {j}");
        }
    }
    assert_eq!(
        gpus[0].topology_common_ancestor(&gpus[3]).unwrap(),
        TopologyLevel::Node
    );
    assert_eq!(
        gpus[0].topology_common_ancestor(&gpus[4]).unwrap(),
        TopologyLevel::System
    );
}

#[test]
fn nearest_gpus_at_each_level() {
    let m = crate::support::mock();
    let gpus = m.nvml.devices().unwrap();
    let gpu0 = gpus[0];
    assert_eq!(
        gpu0.topology_nearest_gpus(TopologyLevel::Node).unwrap(),
        gpus[1..4].to_vec()
    );
    assert_eq!(
        gpu0.topology_nearest_gpus(TopologyLevel::System).unwrap(),
        gpus[1..].to_vec()
    );
    assert!(
        gpu0.topology_nearest_gpus(TopologyLevel::Internal)
            .unwrap()
            .is_empty()
    );
    // The devices returned are usable handles.
    let near = gpus[5].topology_nearest_gpus(TopologyLevel::Node).unwrap();
    let indices: Vec<u32> = near.iter().map(|d| d.index().unwrap()).collect();
    assert_eq!(indices, [4, 6, 7]);
}

#[test]
fn pinned_cpu_affinity_is_the_numa_nodes_cpus() {
    let m = pinned_dgx();
    let p = dgx();
    for (index, spec) in p.gpus.iter().enumerate() {
        let gpu = m.nvml.device_by_index(index as u32).unwrap();
        let node = spec.numa_node as usize;
        assert_eq!(gpu.cpu_affinity(4).unwrap(), cpu_mask(&p, node, 4));
        assert_eq!(
            gpu.cpu_affinity_within_scope(4, AffinityScope::Node)
                .unwrap(),
            cpu_mask(&p, node, 4)
        );
    }
    // 224 CPUs in all: node 0 has 0-55 and 112-167.
    let gpu0 = m.nvml.device_by_index(0).unwrap();
    assert_eq!(
        gpu0.cpu_affinity(4).unwrap(),
        [
            0x00ff_ffff_ffff_ffff,
            0xffff_0000_0000_0000,
            0x0000_00ff_ffff_ffff,
            0
        ]
    );
    // A shorter mask is the start of the longer one.
    assert_eq!(gpu0.cpu_affinity(1).unwrap(), [0x00ff_ffff_ffff_ffff]);
}

#[test]
fn affinity_word_counts_are_bounded() {
    let m = crate::support::mock();
    let gpu = m.nvml.device_by_index(0).unwrap();
    for words in [0, MAX_AFFINITY_WORDS + 1, usize::MAX] {
        assert!(matches!(
            gpu.cpu_affinity(words),
            Err(NvmlError::InvalidInput(_))
        ));
        assert!(matches!(
            gpu.memory_affinity(words, AffinityScope::Node),
            Err(NvmlError::InvalidInput(_))
        ));
    }
    assert_eq!(
        gpu.cpu_affinity(MAX_AFFINITY_WORDS).unwrap().len(),
        MAX_AFFINITY_WORDS
    );
}

#[test]
fn pinned_memory_affinity_is_the_gpus_numa_node() {
    let m = pinned_dgx();
    for (index, spec) in dgx().gpus.iter().enumerate() {
        let gpu = m.nvml.device_by_index(index as u32).unwrap();
        for scope in AffinityScope::ALL {
            assert_eq!(
                gpu.memory_affinity(2, *scope).unwrap(),
                [1u64 << spec.numa_node, 0]
            );
        }
    }
}

#[test]
fn cpu_affinity_is_a_split_of_the_host_cpus_by_default() {
    let allowed = std::fs::read_to_string("/proc/self/status").unwrap();
    let list = allowed
        .lines()
        .find_map(|l| l.strip_prefix("Cpus_allowed_list:"))
        .unwrap()
        .trim()
        .to_owned();
    let mut host = vec![0u64; MAX_AFFINITY_WORDS];
    for part in list.split(',') {
        let (lo, hi) = part.split_once('-').unwrap_or((part, part));
        for cpu in lo.parse::<usize>().unwrap()..=hi.parse().unwrap() {
            host[cpu / 64] |= 1 << (cpu % 64);
        }
    }
    let m = crate::support::mock();
    let gpus = m.nvml.devices().unwrap();
    let masks: Vec<Vec<u64>> = gpus
        .iter()
        .map(|g| g.cpu_affinity(MAX_AFFINITY_WORDS).unwrap())
        .collect();
    let node0 = &masks[0];
    let node1 = &masks[4];
    assert!(masks[..4].iter().all(|m| m == node0) && masks[4..].iter().all(|m| m == node1));
    let union: Vec<u64> = node0.iter().zip(node1).map(|(a, b)| a | b).collect();
    assert_eq!(
        union, host,
        "the two nodes hold the host's CPUs ({list}), no other"
    );
    assert!(node0.iter().any(|w| *w != 0) && node1.iter().any(|w| *w != 0));
    if host.iter().map(|w| w.count_ones()).sum::<u32>() >= 2 {
        assert!(node0.iter().zip(node1).all(|(a, b)| a & b == 0));
    }
    for gpu in &gpus {
        let nodes = gpu.memory_affinity(16, AffinityScope::Node).unwrap();
        assert_eq!(nodes.iter().map(|w| w.count_ones()).sum::<u32>(), 1);
    }
}

#[test]
fn p2p_over_nvlink_works_between_dgx_gpus_and_not_on_a_workstation() {
    let m = crate::support::mock();
    let (a, b) = (
        m.nvml.device_by_index(0).unwrap(),
        m.nvml.device_by_index(7).unwrap(),
    );
    for cap in P2pCapability::ALL {
        assert_eq!(a.p2p_status(&b, *cap).unwrap(), P2pStatus::Ok);
    }

    let ws = crate::support::mock_with_profile("workstation");
    let rtx = ws.nvml.device_by_index(0).unwrap();
    assert_eq!(
        rtx.p2p_status(&rtx, P2pCapability::NvLink).unwrap(),
        P2pStatus::NotSupported
    );
}

#[test]
fn devices_of_another_nvml_are_refused() {
    let m = crate::support::mock();
    let other = crate::support::mock();
    let a = m.nvml.device_by_index(0).unwrap();
    let b = other.nvml.device_by_index(1).unwrap();
    assert!(matches!(
        a.topology_common_ancestor(&b),
        Err(NvmlError::InvalidInput(_))
    ));
    assert!(matches!(
        a.p2p_status(&b, P2pCapability::Read),
        Err(NvmlError::InvalidInput(_))
    ));
}

#[test]
#[ignore = "needs an NVIDIA GPU and driver"]
fn real_gpu_topology_reads_cleanly() {
    let nvml = nvml_wrapper::Nvml::init().expect("NVML initialises on a GPU machine");
    let gpus = nvml.devices().unwrap();
    for gpu in &gpus {
        assert_eq!(
            gpu.topology_common_ancestor(gpu).unwrap(),
            TopologyLevel::Internal
        );
        let cpus = gpu.cpu_affinity(16).unwrap();
        assert!(cpus.iter().any(|w| *w != 0), "a GPU is near some CPU");
        println!(
            "GPU {}: CPUs {:x?}, NUMA nodes {:?}, nearest at SYSTEM {}",
            gpu.index().unwrap(),
            cpus,
            gpu.memory_affinity(1, AffinityScope::Node),
            gpu.topology_nearest_gpus(TopologyLevel::System)
                .unwrap()
                .len()
        );
    }
}
