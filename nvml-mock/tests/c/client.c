/* An independent NVML client: plain C against NVIDIA's nvml.h, linked against whatever
 * libnvidia-ml.so.1 the loader finds. Prints one line per fact; exits non-zero when the
 * library answers something no real driver would. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "nvml.h"

#define CHECK(call)                                                               \
    do {                                                                          \
        nvmlReturn_t r_ = (call);                                                 \
        if (r_ != NVML_SUCCESS) {                                                 \
            fprintf(stderr, "%s failed: %d (%s)\n", #call, r_, nvmlErrorString(r_)); \
            return 1;                                                             \
        }                                                                         \
    } while (0)

int main(void) {
    unsigned int count = 0, i, j;
    char driver[NVML_SYSTEM_DRIVER_VERSION_BUFFER_SIZE];
    char uuids[64][NVML_DEVICE_UUID_V2_BUFFER_SIZE];

    if (nvmlDeviceGetCount(&count) != NVML_ERROR_UNINITIALIZED) {
        fprintf(stderr, "a call before nvmlInit must be UNINITIALIZED\n");
        return 1;
    }
    CHECK(nvmlInit());
    CHECK(nvmlSystemGetDriverVersion(driver, sizeof driver));
    printf("driver %s\n", driver);
    CHECK(nvmlDeviceGetCount(&count));
    printf("count %u\n", count);
    if (count == 0 || count > 64) return 1;

    for (i = 0; i < count; i++) {
        nvmlDevice_t dev;
        char name[NVML_DEVICE_NAME_V2_BUFFER_SIZE];
        nvmlMemory_t mem;
        nvmlPciInfo_t pci;
        nvmlProcessInfo_t procs[32];
        unsigned int nprocs = 0, index = 99;
        unsigned long long sum = 0;
        nvmlReturn_t r;

        CHECK(nvmlDeviceGetHandleByIndex(i, &dev));
        CHECK(nvmlDeviceGetIndex(dev, &index));
        if (index != i) return 1;
        CHECK(nvmlDeviceGetName(dev, name, sizeof name));
        CHECK(nvmlDeviceGetUUID(dev, uuids[i], sizeof uuids[i]));
        if (strncmp(uuids[i], "GPU-", 4) != 0 || strlen(uuids[i]) != 40) return 1;
        for (j = 0; j < i; j++)
            if (strcmp(uuids[i], uuids[j]) == 0) return 1;
        CHECK(nvmlDeviceGetPciInfo(dev, &pci));
        CHECK(nvmlDeviceGetMemoryInfo(dev, &mem));
        if (mem.free + mem.used != mem.total) return 1;

        /* Size query first, as most clients do. */
        r = nvmlDeviceGetComputeRunningProcesses(dev, &nprocs, NULL);
        if (r != NVML_SUCCESS && r != NVML_ERROR_INSUFFICIENT_SIZE) return 1;
        if (nprocs > 32) return 1;
        if (nprocs > 0) {
            CHECK(nvmlDeviceGetComputeRunningProcesses(dev, &nprocs, procs));
        }
        printf("gpu %u name=%s uuid=%s bus=%s total=%llu used=%llu procs=%u", i, name, uuids[i],
               pci.busId, mem.total, mem.used, nprocs);
        for (j = 0; j < nprocs; j++) {
            char pname[256];
            CHECK(nvmlSystemGetProcessName(procs[j].pid, pname, sizeof pname));
            printf(" %u:%llu:%s", procs[j].pid, procs[j].usedGpuMemory, pname);
            sum += procs[j].usedGpuMemory;
        }
        printf("\n");
        if (sum > mem.used) return 1;
    }
    CHECK(nvmlShutdown());
    if (nvmlShutdown() != NVML_ERROR_UNINITIALIZED) return 1;
    printf("ok\n");
    return 0;
}
