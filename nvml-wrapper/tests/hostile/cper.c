/* A hostile NVML whose CPER records never end: every size query asks for a 64 MiB batch and
 * every read fills it, forever. Built by tests/hostile_libraries.rs. */
#include <stddef.h>
#include <string.h>
#include "nvml.h"

nvmlReturn_t nvmlInit_v2(void) { return NVML_SUCCESS; }
nvmlReturn_t nvmlShutdown(void) { return NVML_SUCCESS; }

nvmlReturn_t nvmlSystemGetCPER_v1(nvmlGetCPER_v1_t *cper) {
    if (cper->buffer == NULL) {
        cper->bufferSize = 64u << 20;
        return NVML_ERROR_INSUFFICIENT_SIZE;
    }
    memset(cper->buffer, 0x5a, cper->bufferSize);
    cper->cursor.handle += 1;
    return NVML_SUCCESS;
}
