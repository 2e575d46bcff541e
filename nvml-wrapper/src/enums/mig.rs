//! Multi-instance GPU: GPU and compute instance profiles.

use nvml_sys as sys;

nvml_enum! {
    /// A GPU instance profile: the size and kind of a MIG slice (`NVML_GPU_INSTANCE_PROFILE_*`).
    /// Its numeric id on a given GPU is [`GpuInstanceProfileInfo::id`](crate::mig::GpuInstanceProfileInfo::id).
    pub enum GpuInstanceProfile: u32 {
        /// One slice.
        Slice1 = sys::NVML_GPU_INSTANCE_PROFILE_1_SLICE,
        /// Two slices.
        Slice2 = sys::NVML_GPU_INSTANCE_PROFILE_2_SLICE,
        /// Three slices.
        Slice3 = sys::NVML_GPU_INSTANCE_PROFILE_3_SLICE,
        /// Four slices.
        Slice4 = sys::NVML_GPU_INSTANCE_PROFILE_4_SLICE,
        /// Seven slices.
        Slice7 = sys::NVML_GPU_INSTANCE_PROFILE_7_SLICE,
        /// Eight slices.
        Slice8 = sys::NVML_GPU_INSTANCE_PROFILE_8_SLICE,
        /// Six slices.
        Slice6 = sys::NVML_GPU_INSTANCE_PROFILE_6_SLICE,
        /// One slice, revision 1 (with media engines: `1g.10gb+me` on H100).
        Slice1Rev1 = sys::NVML_GPU_INSTANCE_PROFILE_1_SLICE_REV1,
        /// Two slices, revision 1.
        Slice2Rev1 = sys::NVML_GPU_INSTANCE_PROFILE_2_SLICE_REV1,
        /// One slice, revision 2 (double memory: `1g.20gb` on H100).
        Slice1Rev2 = sys::NVML_GPU_INSTANCE_PROFILE_1_SLICE_REV2,
        /// One slice, graphics capable.
        Slice1Gfx = sys::NVML_GPU_INSTANCE_PROFILE_1_SLICE_GFX,
        /// Two slices, graphics capable.
        Slice2Gfx = sys::NVML_GPU_INSTANCE_PROFILE_2_SLICE_GFX,
        /// Four slices, graphics capable.
        Slice4Gfx = sys::NVML_GPU_INSTANCE_PROFILE_4_SLICE_GFX,
        /// One slice without decoder, encoder, JPEG or OFA engines.
        Slice1NoMe = sys::NVML_GPU_INSTANCE_PROFILE_1_SLICE_NO_ME,
        /// Two slices without decoder, encoder, JPEG or OFA engines.
        Slice2NoMe = sys::NVML_GPU_INSTANCE_PROFILE_2_SLICE_NO_ME,
        /// One slice with all of the GPU's media engines.
        Slice1AllMe = sys::NVML_GPU_INSTANCE_PROFILE_1_SLICE_ALL_ME,
        /// Two slices with all of the GPU's media engines.
        Slice2AllMe = sys::NVML_GPU_INSTANCE_PROFILE_2_SLICE_ALL_ME,
        /// Three slices, graphics and media capable.
        Slice3Gfx = sys::NVML_GPU_INSTANCE_PROFILE_3_SLICE_GFX,
    }
}

nvml_enum! {
    /// A compute instance profile: how many of its GPU instance's compute slices a compute
    /// instance takes (`NVML_COMPUTE_INSTANCE_PROFILE_*`).
    pub enum ComputeInstanceProfile: u32 {
        /// One slice.
        Slice1 = sys::NVML_COMPUTE_INSTANCE_PROFILE_1_SLICE,
        /// Two slices.
        Slice2 = sys::NVML_COMPUTE_INSTANCE_PROFILE_2_SLICE,
        /// Three slices.
        Slice3 = sys::NVML_COMPUTE_INSTANCE_PROFILE_3_SLICE,
        /// Four slices.
        Slice4 = sys::NVML_COMPUTE_INSTANCE_PROFILE_4_SLICE,
        /// Seven slices (tuned for host work scheduling).
        Slice7 = sys::NVML_COMPUTE_INSTANCE_PROFILE_7_SLICE,
        /// Eight slices.
        Slice8 = sys::NVML_COMPUTE_INSTANCE_PROFILE_8_SLICE,
        /// Six slices.
        Slice6 = sys::NVML_COMPUTE_INSTANCE_PROFILE_6_SLICE,
        /// One slice, revision 1.
        Slice1Rev1 = sys::NVML_COMPUTE_INSTANCE_PROFILE_1_SLICE_REV1,
        /// Seven slices (tuned for multi-GPU use).
        Slice7Nvl = sys::NVML_COMPUTE_INSTANCE_PROFILE_7_SLICE_NVL,
    }
}
