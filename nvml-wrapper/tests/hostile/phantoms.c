/* A hostile NVML whose list calls claim more entries than they write: the size query says 3,
 * the read writes one item and claims the whole buffer (built with -DCLAIM_BUFFER=1) or the 3
 * it announced (-DCLAIM_BUFFER=0). Built by tests/hostile_libraries.rs. */
#include <stddef.h>
#include <stdint.h>
#include "nvml.h"

nvmlReturn_t nvmlInit_v2(void) { return NVML_SUCCESS; }
nvmlReturn_t nvmlShutdown(void) { return NVML_SUCCESS; }
nvmlReturn_t nvmlDeviceGetCount_v2(unsigned int *count) { *count = 1; return NVML_SUCCESS; }
nvmlReturn_t nvmlDeviceGetHandleByIndex_v2(unsigned int index, nvmlDevice_t *device) {
    *device = (nvmlDevice_t)(uintptr_t)(index + 1);
    return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetComputeRunningProcesses_v3(nvmlDevice_t device, unsigned int *count,
                                                     nvmlProcessInfo_t *infos) {
    (void)device;
    if (infos == NULL || *count < 3) {
        *count = 3;
        return NVML_ERROR_INSUFFICIENT_SIZE;
    }
    infos[0].pid = 42;
    infos[0].usedGpuMemory = 1 << 20;
    infos[0].gpuInstanceId = 0xFFFFFFFF;
    infos[0].computeInstanceId = 0xFFFFFFFF;
    if (!CLAIM_BUFFER) *count = 3;
    return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetSupportedMemoryClocks(nvmlDevice_t device, unsigned int *count,
                                                unsigned int *clocks) {
    (void)device;
    if (clocks == NULL || *count < 3) {
        *count = 3;
        return NVML_ERROR_INSUFFICIENT_SIZE;
    }
    clocks[0] = 2619;
    if (!CLAIM_BUFFER) *count = 3;
    return NVML_SUCCESS;
}
