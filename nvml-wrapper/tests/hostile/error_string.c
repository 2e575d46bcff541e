/* An NVML whose nvmlErrorString returns a megabyte without a NUL in it.
 * Built by tests/hostile_libraries.rs. */
#include <string.h>
#include "nvml.h"

static char endless[1 << 20];

nvmlReturn_t nvmlInit_v2(void) {
    memset(endless, 'x', sizeof endless - 1);
    return NVML_SUCCESS;
}
nvmlReturn_t nvmlShutdown(void) { return NVML_SUCCESS; }
const char *nvmlErrorString(nvmlReturn_t result) {
    (void)result;
    return endless;
}
