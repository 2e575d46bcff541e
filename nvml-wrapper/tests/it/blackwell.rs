//! Blackwell boards through the wrapper: the simulated DGX B200 and GB200 NVL tray answer
//! what the real machines' `nvidia-smi -q -x` shows (captures/qx-b200.xml, qx-gb200.xml), and
//! the wrapper reads each answer as the header lays it out (struct versions, mask encodings,
//! units).

use nvml_sys as sys;
use nvml_wrapper::device::Value;
use nvml_wrapper::{NvmlError, Result};

fn value(d: &nvml_wrapper::Device<'_>, field: u32, scope: u32) -> Result<Value> {
    d.scoped_field_values(&[(field, scope)])?.remove(0).value
}

#[test]
fn gb200_gpus_sit_on_c2c_links_b200_gpus_do_not() -> Result<()> {
    let gb = crate::support::mock_with_profile("gb200-nvl-tray");
    let gpu = gb.nvml.device_by_index(3)?;
    assert!(gpu.c2c_mode_enabled()?);
    assert_eq!(
        value(&gpu, sys::NVML_FI_DEV_C2C_LINK_COUNT, 0)?,
        Value::UnsignedInt(10)
    );
    // MB/s per link: nvidia-smi c2c -s prints 44.712 GB/s.
    assert_eq!(
        value(&gpu, sys::NVML_FI_DEV_C2C_LINK_GET_MAX_BW, 9)?,
        Value::UnsignedInt(44_712)
    );
    assert_eq!(
        value(&gpu, sys::NVML_FI_DEV_C2C_LINK_GET_STATUS, 0)?,
        Value::UnsignedInt(1)
    );
    assert!(matches!(
        value(&gpu, sys::NVML_FI_DEV_C2C_LINK_GET_MAX_BW, 10),
        Err(NvmlError::InvalidArgument(_))
    ));

    let b = crate::support::mock_with_profile("dgx-b200");
    let gpu = b.nvml.device_by_index(0)?;
    assert!(!gpu.c2c_mode_enabled()?);
    assert!(matches!(
        value(&gpu, sys::NVML_FI_DEV_C2C_LINK_COUNT, 0),
        Err(NvmlError::NotSupported(_))
    ));
    Ok(())
}

#[test]
fn fabric_health_as_the_captures_show_it() -> Result<()> {
    // GB200: summary Healthy, bandwidth Full, no route recovery, routes healthy, no access
    // timeout recovery, configuration and partition N/A.
    let gb = crate::support::mock_with_profile("gb200-nvl-tray");
    let h = gb
        .nvml
        .device_by_index(0)?
        .gpu_fabric_info()?
        .health
        .unwrap();
    assert_eq!(h.summary, Some(1));
    assert_eq!(h.bandwidth_degraded(), Some(false));
    assert_eq!(h.route_recovery_in_progress(), Some(false));
    assert_eq!(h.route_unhealthy(), Some(false));
    assert_eq!(h.access_timeout_recovery(), Some(false));
    assert_eq!(h.incorrect_configuration(), None);
    assert_eq!(h.partition_assigned(), None);

    // B200: only the summary and access timeout recovery are reported.
    let b = crate::support::mock_with_profile("dgx-b200");
    let h = b
        .nvml
        .device_by_index(7)?
        .gpu_fabric_info()?
        .health
        .unwrap();
    assert_eq!(h.summary, Some(1));
    assert_eq!(h.bandwidth_degraded(), None);
    assert_eq!(h.route_unhealthy(), None);
    assert_eq!(h.access_timeout_recovery(), Some(false));

    // H100: nothing reported.
    let h100 = crate::support::mock();
    let h = h100
        .nvml
        .device_by_index(0)?
        .gpu_fabric_info()?
        .health
        .unwrap();
    assert_eq!((h.mask, h.summary), (0, Some(0)));
    Ok(())
}

#[test]
fn blackwell_clocks_step_by_7_5_mhz_and_the_b200_has_a_second_memory_clock() -> Result<()> {
    let b = crate::support::mock_with_profile("dgx-b200");
    let gpu = b.nvml.device_by_index(0)?;
    assert_eq!(gpu.supported_memory_clocks()?, [3996, 3402]);
    for mem in [3996, 3402] {
        let g = gpu.supported_graphics_clocks(mem)?;
        assert_eq!(g.len(), 247, "{mem} MHz");
        assert_eq!(&g[..4], [1965, 1957, 1950, 1942]);
        assert_eq!(g.last(), Some(&120));
    }
    let gb = crate::support::mock_with_profile("gb200-nvl-tray");
    let g = gb
        .nvml
        .device_by_index(1)?
        .supported_graphics_clocks(3996)?;
    assert_eq!(g.len(), 260);
    assert_eq!(&g[..3], [2062, 2055, 2047]);
    Ok(())
}

#[test]
fn module_power_memory_power_and_pcie_of_the_gb200() -> Result<()> {
    let gb = crate::support::mock_with_profile("gb200-nvl-tray");
    let gpu = gb.nvml.device_by_index(2)?;
    let module = sys::NVML_POWER_SCOPE_MODULE;
    assert_eq!(
        value(&gpu, sys::NVML_FI_DEV_POWER_CURRENT_LIMIT, module)?,
        Value::UnsignedInt(2_500_000)
    );
    assert_eq!(
        value(&gpu, sys::NVML_FI_DEV_POWER_MIN_LIMIT, module)?,
        Value::UnsignedInt(500_000)
    );
    assert_eq!(
        value(
            &gpu,
            sys::NVML_FI_DEV_POWER_AVERAGE,
            sys::NVML_POWER_SCOPE_MEMORY
        )?,
        Value::UnsignedInt(31_030),
        "GPU 2's memory power in the capture: 31.03 W"
    );
    // The GPU itself does PCIe gen 6; its link runs at gen 5.
    assert_eq!(gpu.gpu_max_pcie_link_generation()?, 6);
    assert_eq!(gpu.max_pcie_link_generation()?, 5);
    // Inbound atomics: all six operations; outbound: not reported.
    assert_eq!(
        value(&gpu, sys::NVML_FI_DEV_PCIE_INBOUND_ATOMICS_MASK, 0)?,
        Value::UnsignedInt(0x3f)
    );
    assert!(matches!(
        value(&gpu, sys::NVML_FI_DEV_PCIE_OUTBOUND_ATOMICS_MASK, 0),
        Err(NvmlError::NotSupported(_))
    ));

    let b = crate::support::mock_with_profile("dgx-b200");
    let gpu = b.nvml.device_by_index(0)?;
    assert!(matches!(
        value(&gpu, sys::NVML_FI_DEV_POWER_CURRENT_LIMIT, module),
        Err(NvmlError::NotSupported(_))
    ));
    assert_eq!(gpu.gpu_max_pcie_link_generation()?, 5);
    Ok(())
}

#[test]
fn power_smoothing_answers_root_only_and_t_limits_are_the_b200s() -> Result<()> {
    let b = crate::support::mock_with_profile("dgx-b200");
    let gpu = b.nvml.device_by_index(0)?;
    // The wrapper numbers fields as the header does and translates for the driver.
    assert!(matches!(
        value(&gpu, sys::NVML_FI_PWR_SMOOTHING_ENABLED, 0),
        Err(NvmlError::NoPermission(_))
    ));
    b.staged.set_root(true).unwrap();
    assert_eq!(
        value(&gpu, sys::NVML_FI_PWR_SMOOTHING_ENABLED, 0)?,
        Value::UnsignedInt(0)
    );
    let t = |f| value(&gpu, f, 0);
    assert_eq!(
        t(sys::NVML_FI_DEV_TEMPERATURE_SHUTDOWN_TLIMIT)?,
        Value::SignedInt(-5)
    );
    assert_eq!(
        t(sys::NVML_FI_DEV_TEMPERATURE_SLOWDOWN_TLIMIT)?,
        Value::SignedInt(-3)
    );

    let h100 = crate::support::mock();
    let gpu = h100.nvml.device_by_index(0)?;
    assert!(matches!(
        value(&gpu, sys::NVML_FI_PWR_SMOOTHING_ENABLED, 0),
        Err(NvmlError::NotSupported(_))
    ));
    Ok(())
}

#[test]
fn row_remapper_repair_and_capabilities() -> Result<()> {
    for (profile, banks) in [
        ("dgx-b200", 3840),
        ("gb200-nvl-tray", 3968),
        ("dgx-h100", 2560),
    ] {
        let m = crate::support::mock_with_profile(profile);
        let gpu = m.nvml.device_by_index(0)?;
        let h = gpu.row_remapper_histogram()?;
        assert_eq!(
            (h.max, h.high, h.partial, h.low, h.none),
            (banks, 0, 0, 0, 0),
            "{profile}"
        );
        let r = gpu.repair_status()?;
        assert!(
            !r.channel_repair_pending && !r.tpc_repair_pending,
            "{profile}"
        );
        assert!(!gpu.has_unrepairable_memory()?, "{profile}");
        assert!(gpu.capabilities()?.is_empty(), "{profile}: no EGM");
    }
    Ok(())
}
