//! vGPU: virtualization modes, vGPU capabilities, scheduler policies, licensing.

use nvml_sys as sys;

nvml_enum! {
    /// How a GPU is virtualized (`nvmlGpuVirtualizationMode_t`).
    pub enum GpuVirtualizationMode: sys::nvmlGpuVirtualizationMode_t {
        /// Bare metal: no virtualization.
        None = sys::NVML_GPU_VIRTUALIZATION_MODE_NONE,
        /// Passed through to a virtual machine whole.
        Passthrough = sys::NVML_GPU_VIRTUALIZATION_MODE_PASSTHROUGH,
        /// A vGPU, seen from inside its virtual machine.
        Vgpu = sys::NVML_GPU_VIRTUALIZATION_MODE_VGPU,
        /// A physical GPU on a vGPU host (it hosts vGPUs).
        HostVgpu = sys::NVML_GPU_VIRTUALIZATION_MODE_HOST_VGPU,
        /// A physical GPU on a vSGA host.
        HostVsga = sys::NVML_GPU_VIRTUALIZATION_MODE_HOST_VSGA,
    }
}

nvml_enum! {
    /// How a vGPU host exposes vGPUs (`nvmlHostVgpuMode_t`).
    pub enum HostVgpuMode: sys::nvmlHostVgpuMode_t {
        /// Without SR-IOV (mediated devices).
        NonSriov = sys::NVML_HOST_VGPU_MODE_NON_SRIOV,
        /// Through SR-IOV virtual functions.
        Sriov = sys::NVML_HOST_VGPU_MODE_SRIOV,
    }
}

nvml_enum! {
    /// The format of a vGPU instance's VM id (`nvmlVgpuVmIdType_t`).
    pub enum VgpuVmIdType: sys::nvmlVgpuVmIdType_t {
        /// A domain id (Xen).
        DomainId = sys::NVML_VGPU_VM_ID_DOMAIN_ID,
        /// A UUID (KVM, VMware).
        Uuid = sys::NVML_VGPU_VM_ID_UUID,
    }
}

nvml_enum! {
    /// Whether the guest-dependent fields of vGPU metadata are filled yet
    /// (`nvmlVgpuGuestInfoState_t`).
    pub enum VgpuGuestInfoState: sys::nvmlVgpuGuestInfoState_t {
        /// The guest driver has not reported yet: guest fields are not valid.
        Uninitialized = sys::NVML_VGPU_INSTANCE_GUEST_INFO_STATE_UNINITIALIZED,
        /// The guest fields are valid.
        Initialized = sys::NVML_VGPU_INSTANCE_GUEST_INFO_STATE_INITIALIZED,
    }
}

nvml_enum! {
    /// A vGPU software licensable feature (`nvmlGridLicenseFeatureCode_t`).
    pub enum GridLicenseFeatureCode: sys::nvmlGridLicenseFeatureCode_t {
        /// Unknown.
        Unknown = sys::NVML_GRID_LICENSE_FEATURE_CODE_UNKNOWN,
        /// Virtual GPU.
        Vgpu = sys::NVML_GRID_LICENSE_FEATURE_CODE_VGPU,
        /// NVIDIA RTX (the header's `VWORKSTATION` has the same value).
        NvidiaRtx = sys::NVML_GRID_LICENSE_FEATURE_CODE_NVIDIA_RTX,
        /// Gaming.
        Gaming = sys::NVML_GRID_LICENSE_FEATURE_CODE_GAMING,
        /// Compute.
        Compute = sys::NVML_GRID_LICENSE_FEATURE_CODE_COMPUTE,
        /// Virtual game development.
        VGameDev = sys::NVML_GRID_LICENSE_FEATURE_CODE_VGAMEDEV,
    }
}

nvml_enum! {
    /// A capability of a vGPU type (`nvmlVgpuCapability_t`).
    pub enum VgpuCapability: sys::nvmlVgpuCapability_t {
        /// P2P over NvLink.
        NvLinkP2p = sys::NVML_VGPU_CAP_NVLINK_P2P,
        /// GPUDirect capability.
        GpuDirect = sys::NVML_VGPU_CAP_GPUDIRECT,
        /// Several vGPUs of this type in one VM must be the only vGPUs of the VM.
        MultiVgpuExclusive = sys::NVML_VGPU_CAP_MULTI_VGPU_EXCLUSIVE,
        /// Only vGPUs of the same type in one VM.
        ExclusiveType = sys::NVML_VGPU_CAP_EXCLUSIVE_TYPE,
        /// Only vGPUs of the same framebuffer size in one VM.
        ExclusiveSize = sys::NVML_VGPU_CAP_EXCLUSIVE_SIZE,
    }
}

nvml_enum! {
    /// A capability of the vGPU host driver (`nvmlVgpuDriverCapability_t`).
    pub enum VgpuDriverCapability: sys::nvmlVgpuDriverCapability_t {
        /// vGPUs of different types in one VM.
        HeterogeneousMultiVgpu = sys::NVML_VGPU_DRIVER_CAP_HETEROGENEOUS_MULTI_VGPU,
        /// Driver updates without stopping the VMs.
        WarmUpdate = sys::NVML_VGPU_DRIVER_CAP_WARM_UPDATE,
    }
}

nvml_enum! {
    /// A vGPU capability of a physical GPU (`nvmlDeviceVgpuCapability_t`).
    pub enum DeviceVgpuCapability: sys::nvmlDeviceVgpuCapability_t {
        /// Fractional (less than a full GPU) vGPU profiles in multi-vGPU VMs.
        FractionalMultiVgpu = sys::NVML_DEVICE_VGPU_CAP_FRACTIONAL_MULTI_VGPU,
        /// Concurrent time-sliced profiles of different types.
        HeterogeneousTimesliceProfiles = sys::NVML_DEVICE_VGPU_CAP_HETEROGENEOUS_TIMESLICE_PROFILES,
        /// Concurrent time-sliced profiles of different framebuffer sizes.
        HeterogeneousTimesliceSizes = sys::NVML_DEVICE_VGPU_CAP_HETEROGENEOUS_TIMESLICE_SIZES,
        /// Read bandwidth of the device buffer, MB/s.
        ReadDeviceBufferBw = sys::NVML_DEVICE_VGPU_CAP_READ_DEVICE_BUFFER_BW,
        /// Write bandwidth of the device buffer, MB/s.
        WriteDeviceBufferBw = sys::NVML_DEVICE_VGPU_CAP_WRITE_DEVICE_BUFFER_BW,
        /// Device streaming.
        DeviceStreaming = sys::NVML_DEVICE_VGPU_CAP_DEVICE_STREAMING,
        /// Mini-quarter-GPU vGPU profiles.
        MiniQuarterGpu = sys::NVML_DEVICE_VGPU_CAP_MINI_QUARTER_GPU,
        /// Compute-media-engine vGPU profiles.
        ComputeMediaEngineGpu = sys::NVML_DEVICE_VGPU_CAP_COMPUTE_MEDIA_ENGINE_GPU,
        /// Warm update.
        WarmUpdate = sys::NVML_DEVICE_VGPU_CAP_WARM_UPDATE,
        /// Homogeneous placement ids.
        HomogeneousPlacements = sys::NVML_DEVICE_VGPU_CAP_HOMOGENEOUS_PLACEMENTS,
        /// Time-sliced vGPUs on MIG instances are supported.
        MigTimeslicingSupported = sys::NVML_DEVICE_VGPU_CAP_MIG_TIMESLICING_SUPPORTED,
        /// Time-sliced vGPUs on MIG instances are enabled.
        MigTimeslicingEnabled = sys::NVML_DEVICE_VGPU_CAP_MIG_TIMESLICING_ENABLED,
        /// Whether the GPU supports UVM stun.
        UvmStun = sys::NVML_DEVICE_VGPU_CAP_UVM_STUN,
    }
}

nvml_enum! {
    /// A vGPU scheduler policy (`NVML_VGPU_SCHEDULER_POLICY_*`).
    pub enum VgpuSchedulerPolicy: u32 {
        /// Unknown.
        Unknown = sys::NVML_VGPU_SCHEDULER_POLICY_UNKNOWN,
        /// Best effort.
        BestEffort = sys::NVML_VGPU_SCHEDULER_POLICY_BEST_EFFORT,
        /// Equal share.
        EqualShare = sys::NVML_VGPU_SCHEDULER_POLICY_EQUAL_SHARE,
        /// Fixed share.
        FixedShare = sys::NVML_VGPU_SCHEDULER_POLICY_FIXED_SHARE,
    }
}

nvml_enum! {
    /// Adaptive Round Robin mode of the vGPU scheduler (`NVML_VGPU_SCHEDULER_ARR_*`).
    pub enum VgpuSchedulerArrMode: u32 {
        /// The default.
        Default = sys::NVML_VGPU_SCHEDULER_ARR_DEFAULT,
        /// Disabled.
        Disabled = sys::NVML_VGPU_SCHEDULER_ARR_DISABLE,
        /// Enabled.
        Enabled = sys::NVML_VGPU_SCHEDULER_ARR_ENABLE,
    }
}

nvml_enum! {
    /// An engine with its own vGPU software scheduler (`NVML_VGPU_SCHEDULER_ENGINE_TYPE_*`).
    pub enum VgpuSchedulerEngine: u32 {
        /// Graphics.
        Graphics = sys::NVML_VGPU_SCHEDULER_ENGINE_TYPE_GRAPHICS,
        /// Video encoder 1.
        Nvenc1 = sys::NVML_VGPU_SCHEDULER_ENGINE_TYPE_NVENC1,
        /// Video encoder 0.
        Nvenc0 = sys::NVML_VGPU_SCHEDULER_ENGINE_TYPE_NVENC0,
    }
}

nvml_enum! {
    /// License state of a vGPU instance (`NVML_GRID_LICENSE_STATE_*`).
    pub enum GridLicenseState: u32 {
        /// Unknown.
        Unknown = sys::NVML_GRID_LICENSE_STATE_UNKNOWN,
        /// Not initialized yet.
        Uninitialized = sys::NVML_GRID_LICENSE_STATE_UNINITIALIZED,
        /// Unlicensed, without restrictions (grace period).
        UnlicensedUnrestricted = sys::NVML_GRID_LICENSE_STATE_UNLICENSED_UNRESTRICTED,
        /// Unlicensed, with restrictions.
        UnlicensedRestricted = sys::NVML_GRID_LICENSE_STATE_UNLICENSED_RESTRICTED,
        /// Unlicensed.
        Unlicensed = sys::NVML_GRID_LICENSE_STATE_UNLICENSED,
        /// Licensed.
        Licensed = sys::NVML_GRID_LICENSE_STATE_LICENSED,
    }
}

nvml_enum! {
    /// Status of a license expiry date (`NVML_GRID_LICENSE_EXPIRY_*`).
    pub enum GridLicenseExpiryStatus: u32 {
        /// Not available.
        NotAvailable = sys::NVML_GRID_LICENSE_EXPIRY_NOT_AVAILABLE,
        /// Invalid.
        Invalid = sys::NVML_GRID_LICENSE_EXPIRY_INVALID,
        /// A valid date.
        Valid = sys::NVML_GRID_LICENSE_EXPIRY_VALID,
        /// Not applicable.
        NotApplicable = sys::NVML_GRID_LICENSE_EXPIRY_NOT_APPLICABLE,
        /// A permanent license: no expiry.
        Permanent = sys::NVML_GRID_LICENSE_EXPIRY_PERMANENT,
    }
}
