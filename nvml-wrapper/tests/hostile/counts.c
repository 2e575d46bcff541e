/* A hostile NVML: claims UINT_MAX devices, units and excluded devices, and answers every index.
 * Built by tests/hostile_libraries.rs. */
#include <stdint.h>
#include "nvml.h"

nvmlReturn_t nvmlInit_v2(void) { return NVML_SUCCESS; }
nvmlReturn_t nvmlShutdown(void) { return NVML_SUCCESS; }
nvmlReturn_t nvmlDeviceGetCount_v2(unsigned int *count) { *count = UINT32_MAX; return NVML_SUCCESS; }
nvmlReturn_t nvmlDeviceGetHandleByIndex_v2(unsigned int index, nvmlDevice_t *device) {
    *device = (nvmlDevice_t)(uintptr_t)(index + 1);
    return NVML_SUCCESS;
}
nvmlReturn_t nvmlUnitGetCount(unsigned int *count) { *count = UINT32_MAX; return NVML_SUCCESS; }
nvmlReturn_t nvmlUnitGetHandleByIndex(unsigned int index, nvmlUnit_t *unit) {
    *unit = (nvmlUnit_t)(uintptr_t)(index + 1);
    return NVML_SUCCESS;
}
nvmlReturn_t nvmlGetExcludedDeviceCount(unsigned int *count) { *count = UINT32_MAX; return NVML_SUCCESS; }
nvmlReturn_t nvmlGetExcludedDeviceInfoByIndex(unsigned int index, nvmlExcludedDeviceInfo_t *info) {
    (void)index;
    info->uuid[0] = 'G';
    info->uuid[1] = 0;
    return NVML_SUCCESS;
}
