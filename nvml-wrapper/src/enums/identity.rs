//! The device's identity: brand, architecture, InfoROM, driver model and addressing mode.

use nvml_sys as sys;

nvml_enum! {
    /// Product brand (`nvmlBrandType_t`).
    pub enum Brand: sys::nvmlBrandType_t {
        /// Unknown brand.
        Unknown = sys::NVML_BRAND_UNKNOWN,
        /// Quadro.
        Quadro = sys::NVML_BRAND_QUADRO,
        /// Tesla.
        Tesla = sys::NVML_BRAND_TESLA,
        /// NVS.
        Nvs = sys::NVML_BRAND_NVS,
        /// GRID (deprecated).
        Grid = sys::NVML_BRAND_GRID,
        /// GeForce.
        GeForce = sys::NVML_BRAND_GEFORCE,
        /// Titan.
        Titan = sys::NVML_BRAND_TITAN,
        /// NVIDIA Virtual Applications.
        NvidiaVApps = sys::NVML_BRAND_NVIDIA_VAPPS,
        /// NVIDIA Virtual PC.
        NvidiaVPc = sys::NVML_BRAND_NVIDIA_VPC,
        /// NVIDIA Virtual Compute Server.
        NvidiaVCs = sys::NVML_BRAND_NVIDIA_VCS,
        /// NVIDIA RTX Virtual Workstation.
        NvidiaVWs = sys::NVML_BRAND_NVIDIA_VWS,
        /// NVIDIA Cloud Gaming (also `NVML_BRAND_NVIDIA_VGAMING`).
        NvidiaCloudGaming = sys::NVML_BRAND_NVIDIA_CLOUD_GAMING,
        /// Quadro RTX.
        QuadroRtx = sys::NVML_BRAND_QUADRO_RTX,
        /// NVIDIA RTX.
        NvidiaRtx = sys::NVML_BRAND_NVIDIA_RTX,
        /// NVIDIA (data-center products such as H100).
        Nvidia = sys::NVML_BRAND_NVIDIA,
        /// GeForce RTX.
        GeForceRtx = sys::NVML_BRAND_GEFORCE_RTX,
        /// Titan RTX.
        TitanRtx = sys::NVML_BRAND_TITAN_RTX,
        /// NVIDIA DLA.
        NvidiaDla = sys::NVML_BRAND_NVIDIA_DLA,
        /// NVIDIA vGaming Dev.
        NvidiaVGameDev = sys::NVML_BRAND_NVIDIA_VGAMEDEV,
        /// NVIDIA NPU.
        NvidiaNpu = sys::NVML_BRAND_NVIDIA_NPU,
    }
}

nvml_enum! {
    /// GPU architecture (`nvmlDeviceArchitecture_t`).
    pub enum Architecture: sys::nvmlDeviceArchitecture_t {
        /// Kepler.
        Kepler = sys::NVML_DEVICE_ARCH_KEPLER,
        /// Maxwell.
        Maxwell = sys::NVML_DEVICE_ARCH_MAXWELL,
        /// Pascal.
        Pascal = sys::NVML_DEVICE_ARCH_PASCAL,
        /// Volta.
        Volta = sys::NVML_DEVICE_ARCH_VOLTA,
        /// Turing.
        Turing = sys::NVML_DEVICE_ARCH_TURING,
        /// Ampere.
        Ampere = sys::NVML_DEVICE_ARCH_AMPERE,
        /// Ada Lovelace.
        Ada = sys::NVML_DEVICE_ARCH_ADA,
        /// Hopper.
        Hopper = sys::NVML_DEVICE_ARCH_HOPPER,
        /// Blackwell.
        Blackwell = sys::NVML_DEVICE_ARCH_BLACKWELL,
        /// DLA.
        Dla = sys::NVML_DEVICE_ARCH_DLA,
        /// DLA2.
        Dla2 = sys::NVML_DEVICE_ARCH_DLA2,
        /// Rubin.
        Rubin = sys::NVML_DEVICE_ARCH_RUBIN,
        /// NPU3.
        Npu3 = sys::NVML_DEVICE_ARCH_NPU3,
        /// The driver does not know the architecture.
        Unknown = sys::NVML_DEVICE_ARCH_UNKNOWN,
    }
}

nvml_enum! {
    /// InfoROM object (`nvmlInforomObject_t`).
    pub enum InforomObject: sys::nvmlInforomObject_t {
        /// The OEM object.
        Oem = sys::NVML_INFOROM_OEM,
        /// The ECC object.
        Ecc = sys::NVML_INFOROM_ECC,
        /// The power management object.
        Power = sys::NVML_INFOROM_POWER,
        /// The DRAM encryption object.
        Den = sys::NVML_INFOROM_DEN,
    }
}

nvml_enum! {
    /// Windows driver model (`nvmlDriverModel_t`).
    pub enum DriverModel: sys::nvmlDriverModel_t {
        /// WDDM: the GPU can drive displays.
        Wddm = sys::NVML_DRIVER_WDDM,
        /// WDM (TCC): compute only, no displays.
        Wdm = sys::NVML_DRIVER_WDM,
        /// MCDM: Microsoft compute driver model.
        Mcdm = sys::NVML_DRIVER_MCDM,
    }
}

nvml_enum! {
    /// How the GPU addresses system-allocated memory (`nvmlDeviceAddressingModeType_t`).
    pub enum AddressingMode: sys::nvmlDeviceAddressingModeType_t {
        /// Neither HMM nor ATS is active.
        None = sys::NVML_DEVICE_ADDRESSING_MODE_NONE,
        /// HMM: software mirroring of the CPU's page tables on the GPU.
        Hmm = sys::NVML_DEVICE_ADDRESSING_MODE_HMM,
        /// ATS: Address Translation Services, one set of page tables for CPU and GPU.
        Ats = sys::NVML_DEVICE_ADDRESSING_MODE_ATS,
    }
}
