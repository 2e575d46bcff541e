//! How a handle holds its library: [`NvmlRef`], borrowed (`&'nvml Nvml`) or owned ([`Nvml`]).

use crate::ffi::HasLib;
use crate::nvml::Nvml;
use crate::versions::ChosenVersions;

/// How a handle holds its [`Nvml`]: `&'nvml Nvml` (borrowed) or `Nvml` (an owned share).
///
/// Every handle type has one set of methods, generic over this: [`Device`](crate::Device),
/// [`EventSet`](crate::event::EventSet), [`GpuInstance`](crate::mig::GpuInstance),
/// [`ComputeInstance`](crate::mig::ComputeInstance), [`Unit`](crate::unit::Unit),
/// [`SystemEventSet`](crate::system_event::SystemEventSet),
/// [`GpmSample`](crate::gpm::GpmSample), [`VgpuType`](crate::vgpu::VgpuType) and
/// [`VgpuInstance`](crate::vgpu::VgpuInstance), all written by one definition:
///
/// - **Borrowed**, `Device<'nvml>` (= `Device<'nvml, &'nvml Nvml>`): what lookups such as
///   [`Nvml::device_by_index`] return. A handle and a reference, `Copy` where the handle is;
///   the lifetime keeps it from outliving its `Nvml`.
/// - **Owned**, [`OwnedDevice`](crate::device::OwnedDevice) (= `Device<'static, Nvml>`),
///   [`OwnedEventSet`](crate::event::OwnedEventSet),
///   [`OwnedGpuInstance`](crate::mig::OwnedGpuInstance), ...: from `into_owned()` on the
///   borrowed form. It holds a share of the library (an `Arc` clone, no copy of anything
///   else), so it has no lifetime: store it in a struct next to other handles, move it into
///   a thread or an async task. NVML stays initialised while any share lives and shuts down
///   when the last one drops (see [`Nvml::shutdown`]).
///
/// A getter does the same work on both forms: one pointer to the library, one indirect call,
/// no allocation. A handle a method returns is held as the handle it came from is: the vGPU
/// types of an [`OwnedDevice`](crate::device::OwnedDevice) are
/// [`OwnedVgpuType`](crate::vgpu::OwnedVgpuType)s, its GPM samples
/// [`OwnedGpmSample`](crate::gpm::OwnedGpmSample)s. `borrowed()` gives the borrowed form of a
/// handle whose copies free nothing, for free. The trait is sealed: these two forms are the
/// only ones.
///
/// Keep `Nvml` and its devices together and move them into a thread (the `monitor` example,
/// run by the tests against the mock, does this and the next one):
///
/// ```no_run
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// use nvml_wrapper::{Nvml, OwnedDevice, enums::TemperatureSensor};
///
/// /// Everything a monitoring thread needs, with no lifetime.
/// struct Monitor {
///     nvml: Nvml,
///     gpus: Vec<OwnedDevice>,
/// }
///
/// let nvml = Nvml::init()?;
/// let gpus = nvml.devices()?.into_iter().map(|gpu| gpu.into_owned()).collect();
/// let monitor = Monitor { nvml, gpus };
///
/// let temperatures = std::thread::spawn(move || {
///     assert_eq!(monitor.gpus.len() as u32, monitor.nvml.device_count()?);
///     monitor
///         .gpus
///         .iter()
///         .map(|gpu| gpu.temperature(TemperatureSensor::Gpu))
///         .collect::<Result<Vec<u32>, _>>()
/// })
/// .join()
/// .expect("the monitor thread does not panic")?;
/// println!("{temperatures:?}");
/// # Ok(())
/// # }
/// ```
///
/// Hold them across an `.await`: the future is `Send + 'static`, which is what a
/// multi-threaded runtime's `spawn` asks for. (No runtime here: a thread polls it.)
///
/// ```no_run
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// use std::future::Future;
/// use std::task::{Context, Poll, Waker};
///
/// use nvml_wrapper::{Nvml, NvmlError, OwnedDevice, enums::TemperatureSensor};
///
/// async fn report(gpu: OwnedDevice) -> Result<String, NvmlError> {
///     let name = gpu.name()?;
///     std::future::ready(()).await; // e.g. a timer or a socket write
///     Ok(format!("{name}: {} °C", gpu.temperature(TemperatureSensor::Gpu)?))
/// }
///
/// fn spawnable<F: Future + Send + 'static>(future: F) -> F {
///     future
/// }
///
/// let nvml = Nvml::init()?;
/// let task = spawnable(report(nvml.device_by_index(0)?.into_owned()));
/// drop(nvml); // the task's device keeps the library initialised
///
/// let line = std::thread::spawn(move || {
///     let mut task = Box::pin(task);
///     let mut cx = Context::from_waker(Waker::noop());
///     loop {
///         if let Poll::Ready(out) = task.as_mut().poll(&mut cx) {
///             return out;
///         }
///     }
/// })
/// .join()
/// .expect("the polling thread does not panic")?;
/// println!("{line}");
/// # Ok(())
/// # }
/// ```
pub trait NvmlRef: sealed::Sealed + Clone + Send + Sync {}

impl NvmlRef for &Nvml {}
impl NvmlRef for Nvml {}

pub(crate) mod sealed {
    use super::*;

    /// What the methods of a handle need from its library: the loader (through
    /// [`HasLib`], the one path every call takes) and the `Nvml` itself.
    pub trait Sealed: HasLib {
        /// The `Nvml` held or borrowed.
        fn as_nvml(&self) -> &Nvml;

        /// An owned share: this one, or a new one (an `Arc` clone) for a borrowed `Nvml`.
        fn into_nvml(self) -> Nvml;

        /// The versions chosen at load.
        // `Sealed` lives in a private module: outside the crate it can be neither named nor
        // implemented, so the crate-private type leaks nothing nameable.
        #[allow(private_interfaces)]
        #[inline(always)]
        fn versions(&self) -> &ChosenVersions {
            self.as_nvml().versions()
        }
    }

    impl Sealed for &Nvml {
        #[inline(always)]
        fn as_nvml(&self) -> &Nvml {
            self
        }

        #[inline(always)]
        fn into_nvml(self) -> Nvml {
            self.clone()
        }
    }

    impl Sealed for Nvml {
        #[inline(always)]
        fn as_nvml(&self) -> &Nvml {
            self
        }

        #[inline(always)]
        fn into_nvml(self) -> Nvml {
            self
        }
    }
}
