/* A library that calls a function no library defines: with lazy binding it loads and then
 * kills the process at the first call. Built by tests/hostile_libraries.rs. */
#include "nvml.h"

extern nvmlReturn_t nvml_hostile_nowhere(unsigned int *count);

nvmlReturn_t nvmlInit_v2(void) { return NVML_SUCCESS; }
nvmlReturn_t nvmlShutdown(void) { return NVML_SUCCESS; }
nvmlReturn_t nvmlDeviceGetCount_v2(unsigned int *count) { return nvml_hostile_nowhere(count); }
