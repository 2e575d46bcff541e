//! Control hooks of the dynamic mode (`nvml_mock_set_dynamic`, the virtual clock, processes
//! and throttles), for tests. Documented in the README.

use std::ffi::{c_char, c_int, c_uint, c_ulonglong};

use nvml_sys::*;

use super::control::with_inner;
use crate::dynamic;
use crate::machine::Machine;
use crate::marshal::arg_str;
use crate::profile::ProcessSpec;

/// Runs `f` on the initialised machine, brought up to the clock's time first (so a change
/// takes effect from now, not from the last query). `UNINITIALIZED` before init.
fn with_machine(f: impl FnOnce(&mut Machine) -> Result<(), nvmlReturn_t>) -> nvmlReturn_t {
    with_inner(|g| {
        let Some(m) = g.machine.as_mut() else {
            return NVML_ERROR_UNINITIALIZED;
        };
        m.advance_dynamic();
        match f(m) {
            Ok(()) => NVML_SUCCESS,
            Err(e) => e,
        }
    })
}

/// Turns the dynamic mode on (`enable != 0`, noise seeded with `seed`; the other settings are
/// the profile's `dynamic` object's, or its defaults) or off (`enable == 0`: the profile's
/// constant readings come back). Turning it on again restarts the model from the profile's
/// readings. `UNINITIALIZED` before init.
#[unsafe(no_mangle)]
pub extern "C" fn nvml_mock_set_dynamic(enable: c_int, seed: c_ulonglong) -> nvmlReturn_t {
    with_machine(|m| {
        if enable == 0 {
            m.disable_dynamic();
        } else {
            let mut spec = m.profile.dynamic.clone().unwrap_or_default();
            spec.seed = seed;
            // The clock stays as it is (`nvml_mock_set_virtual_clock` chooses it).
            spec.virtual_clock = m.clock.is_virtual();
            m.enable_dynamic(spec);
        }
        Ok(())
    })
}

/// Switches the machine's clock to a virtual one (`on != 0`: time stops and moves only with
/// `nvml_mock_advance_clock`) or back to real time (going on from the virtual time).
/// `UNINITIALIZED` before init.
#[unsafe(no_mangle)]
pub extern "C" fn nvml_mock_set_virtual_clock(on: c_int) -> nvmlReturn_t {
    with_machine(|m| {
        m.clock.set_virtual(on != 0);
        Ok(())
    })
}

/// Moves the virtual clock forward by `microseconds`. `INVALID_STATE` while the clock is
/// real, `UNINITIALIZED` before init.
#[unsafe(no_mangle)]
pub extern "C" fn nvml_mock_advance_clock(microseconds: c_ulonglong) -> nvmlReturn_t {
    with_machine(|m| {
        if m.clock.advance(microseconds.saturating_mul(1000)) {
            Ok(())
        } else {
            Err(NVML_ERROR_INVALID_STATE)
        }
    })
}

/// Starts a compute process `pid` named `name` on GPU `gpu_index`, using `used_memory_mib`
/// MiB and asking for `load_percent` (0..=100) of the GPU: it shows in the process lists and
/// the memory in use at once; in dynamic mode it drives utilisation (and so power,
/// temperature, clocks) from the next tick. `IN_USE` when the GPU already runs that pid,
/// `MEMORY` when the memory does not fit, `INVALID_ARGUMENT` for a bad index, load or name.
///
/// # Safety
/// `name` is null (an empty name) or a NUL-terminated string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn nvml_mock_start_process(
    gpu_index: c_uint,
    pid: c_uint,
    name: *const c_char,
    load_percent: c_uint,
    used_memory_mib: c_ulonglong,
) -> nvmlReturn_t {
    with_machine(|m| {
        let name = if name.is_null() { "" } else { arg_str(name)? };
        if load_percent > 100 || name.len() >= 256 {
            return Err(NVML_ERROR_INVALID_ARGUMENT);
        }
        let now = m.clock.now_ns();
        let g = m
            .gpus
            .get_mut(gpu_index as usize)
            .ok_or(NVML_ERROR_INVALID_ARGUMENT)?;
        if g.processes.iter().any(|p| p.pid == pid) {
            return Err(NVML_ERROR_IN_USE);
        }
        let bytes = used_memory_mib
            .checked_mul(1024 * 1024)
            .ok_or(NVML_ERROR_MEMORY)?;
        let used = (g.processes.iter().map(|p| p.used_memory)).fold(
            g.spec().memory_overhead.saturating_add(g.vgpu_fb),
            u64::saturating_add,
        );
        let room = g
            .spec()
            .memory_total
            .saturating_sub(g.spec().memory_reserved);
        if used.saturating_add(bytes) > room {
            return Err(NVML_ERROR_MEMORY);
        }
        g.processes.push(ProcessSpec {
            pid,
            name: name.to_string(),
            used_memory: bytes,
            kind: "compute".into(),
        });
        g.process_loads.retain(|(p, _)| *p != pid);
        g.process_loads.push((pid, load_percent));
        g.refresh(now);
        Ok(())
    })
}

/// Stops process `pid` on GPU `gpu_index` (one of the profile's or a started one): it leaves
/// the process lists, frees its memory and, in dynamic mode, its load. `NOT_FOUND` when the
/// GPU runs no such pid, `INVALID_ARGUMENT` for a bad index.
#[unsafe(no_mangle)]
pub extern "C" fn nvml_mock_stop_process(gpu_index: c_uint, pid: c_uint) -> nvmlReturn_t {
    with_machine(|m| {
        let now = m.clock.now_ns();
        let g = m
            .gpus
            .get_mut(gpu_index as usize)
            .ok_or(NVML_ERROR_INVALID_ARGUMENT)?;
        let before = g.processes.len();
        g.processes.retain(|p| p.pid != pid);
        if g.processes.len() == before {
            return Err(NVML_ERROR_NOT_FOUND);
        }
        g.process_loads.retain(|(p, _)| *p != pid);
        g.refresh(now);
        Ok(())
    })
}

/// Forces clocks event reasons on GPU `gpu_index` (`reasons`: a mask of SW power cap 0x4,
/// HW slowdown 0x8, SW thermal 0x20, HW thermal 0x40, HW power brake 0x80; 0 clears). They
/// show in `nvmlDeviceGetCurrentClocksEventReasons` in either mode; in dynamic mode they also
/// slow the GPU (power brake to 30% of its clocks, the others to 50%), lowering clocks and
/// power. `INVALID_ARGUMENT` for a bad index or another bit.
#[unsafe(no_mangle)]
pub extern "C" fn nvml_mock_set_throttle(gpu_index: c_uint, reasons: c_ulonglong) -> nvmlReturn_t {
    with_machine(|m| {
        if reasons & !dynamic::FORCEABLE_REASONS != 0 {
            return Err(NVML_ERROR_INVALID_ARGUMENT);
        }
        let now = m.clock.now_ns();
        let g = m
            .gpus
            .get_mut(gpu_index as usize)
            .ok_or(NVML_ERROR_INVALID_ARGUMENT)?;
        g.forced_reasons = reasons;
        g.refresh(now);
        Ok(())
    })
}

// The exports above have the signatures `crate::hooks` declares.
const _: () = {
    use crate::hooks;
    hooks::SET_DYNAMIC.check(nvml_mock_set_dynamic);
    hooks::SET_VIRTUAL_CLOCK.check(nvml_mock_set_virtual_clock);
    hooks::ADVANCE_CLOCK.check(nvml_mock_advance_clock);
    hooks::START_PROCESS.check(nvml_mock_start_process);
    hooks::STOP_PROCESS.check(nvml_mock_stop_process);
    hooks::SET_THROTTLE.check(nvml_mock_set_throttle);
};
