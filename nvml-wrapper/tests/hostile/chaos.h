/* The runtime of the "chaos" NVML that tests/reliability_proptest.rs generates: every function
 * of nvml.h, each answering what the current case says (return codes, counts, bytes, strings,
 * handles). The test sets a case with chaos_set_case before each wrapper call, and asks
 * afterwards how many list items and string bytes the library wrote (chaos_max_items,
 * chaos_max_text), so that no result may hold more than that.
 *
 * The library never writes past a buffer the caller describes: a list gets at most the count
 * the caller passed in (items, or bytes for a `...Size` count), a string at most its length,
 * a scalar or struct exactly its own size. Everything else about its answers is hostile. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include "nvml.h"

struct chaos_case {
    uint32_t rc[4];      /* return codes, one per call in turn (call n answers rc[n % 4]) */
    uint32_t size_rc;    /* the answer to a size query (a list call with a NULL buffer) */
    uint32_t size_count; /* the count a size query reports */
    uint32_t written;    /* the items a list call writes (never more than the buffer holds) */
    uint32_t claim;      /* 0: a list call reports what it wrote, 1: `claimed`, 2: the buffer */
    uint32_t claimed;
    uint8_t fill[16];    /* the bytes of every scalar, struct and list item, repeated */
    uint8_t text[320];   /* the bytes of every string (NULs and invalid UTF-8 included) */
    uint32_t text_len;
    uint32_t pad;
    uint64_t handle;     /* every handle handed out (0: NULL) */
};

static struct chaos_case chaos = {
    .text = "580.82.07", .text_len = 10, .handle = 0x1000,
};
static uint32_t chaos_calls;
static uint32_t chaos_items;
static uint32_t chaos_text_bytes;

void chaos_set_case(const struct chaos_case *c) {
    chaos = *c;
    chaos_calls = 0;
    chaos_items = 0;
    chaos_text_bytes = 0;
}
/* The most list items one call wrote since the case was set. */
uint32_t chaos_max_items(void) { return chaos_items; }
/* The most string bytes one call wrote since the case was set. */
uint32_t chaos_max_text(void) { return chaos_text_bytes; }
/* Calls since the case was set. */
uint32_t chaos_call_count(void) { return chaos_calls; }

static nvmlReturn_t chaos_rc(void) {
    uint32_t rc = chaos.rc[chaos_calls % 4];
    chaos_calls++;
    return (nvmlReturn_t)rc;
}

static void chaos_fill(void *p, size_t n) {
    if (p == NULL) return;
    for (size_t i = 0; i < n; i++) ((uint8_t *)p)[i] = chaos.fill[i % sizeof chaos.fill];
}

static uint32_t chaos_text(char *p, uint64_t cap) {
    if (p == NULL) return 0;
    uint64_t n = chaos.text_len < cap ? chaos.text_len : cap;
    if (n > sizeof chaos.text) n = sizeof chaos.text;
    memcpy(p, chaos.text, (size_t)n);
    if (n > chaos_text_bytes) chaos_text_bytes = (uint32_t)n;
    return (uint32_t)n;
}

static void chaos_handle(void *p, size_t size) {
    if (p == NULL) return;
    uintptr_t h = (uintptr_t)chaos.handle;
    memcpy(p, &h, size < sizeof h ? size : sizeof h);
}

/* An array the caller sized: room for `cap` units (items; bytes when `in_bytes`) of `item`
 * bytes each. Writes `written` items at most, never more than the room; returns how many. */
static uint32_t chaos_array(void *p, uint64_t cap, size_t item, int in_bytes) {
    if (p == NULL || item == 0) return 0;
    uint64_t room = in_bytes ? cap / item : cap;
    uint64_t n = chaos.written < room ? chaos.written : room;
    chaos_fill(p, (size_t)(n * item));
    if (n > chaos_items) chaos_items = (uint32_t)n;
    return (uint32_t)n;
}

/* A size query (the list's buffer is NULL): report the case's count and answer. */
static nvmlReturn_t chaos_size_query(unsigned int *count) {
    *count = chaos.size_count;
    chaos_calls++;
    return (nvmlReturn_t)chaos.size_rc;
}

/* What a list call reports it wrote. */
static void chaos_claim(unsigned int *count, uint32_t wrote, uint32_t cap) {
    *count = chaos.claim == 0 ? wrote : chaos.claim == 1 ? chaos.claimed : cap;
}

static char chaos_error_text[320];

/* nvmlGpmMetricsGet's answer: the case's bytes, but the metric names (pointers the caller must
 * trust, like nvmlErrorString's) are NULL or the case's text (up to 320 bytes, NUL or not). */
static void chaos_gpm_metrics(nvmlGpmMetricsGet_t *get) {
    if (get == NULL) return;
    chaos_fill(get, sizeof *get);
    memcpy(chaos_error_text, chaos.text, sizeof chaos_error_text);
    char *name = (chaos.handle & 1) ? NULL : chaos_error_text;
    for (size_t i = 0; i < sizeof get->metrics / sizeof get->metrics[0]; i++) {
        get->metrics[i].metricInfo.shortName = name;
        get->metrics[i].metricInfo.longName = name;
        get->metrics[i].metricInfo.unit = name;
    }
}

/* The mock's hook a table row calls to queue a system event: here a no-op (the chaos library
 * answers nvmlSystemEventSetWait with the case's bytes anyway). */
unsigned int nvml_mock_inject_system_event(unsigned int gpu, uint64_t event_type) {
    (void)gpu;
    (void)event_type;
    return 0;
}

/* A list inside a versioned struct (`count` field, `items` pointer to the caller's buffer):
 * the struct gets the case's bytes, but its buffer pointer is kept, and the items are written
 * (and the count claimed) as for a count-and-array list. A NULL buffer is a size query. */
#define CHAOS_STRUCT_LIST(T, count, items)                                       \
    static nvmlReturn_t chaos_list_##T(T *s) {                                   \
        if (s == NULL) return chaos_rc();                                        \
        void *buffer = (void *)s->items;                                         \
        uint32_t cap = s->count;                                                 \
        chaos_fill(s, sizeof *s);                                                \
        s->items = buffer;                                                       \
        if (buffer == NULL) return chaos_size_query(&s->count);                  \
        uint32_t wrote = chaos_array(buffer, cap, sizeof *s->items, 0);          \
        chaos_claim(&s->count, wrote, cap);                                      \
        return chaos_rc();                                                       \
    }

CHAOS_STRUCT_LIST(nvmlProcessDetailList_t, numProcArrayEntries, procArray)
CHAOS_STRUCT_LIST(nvmlProcessesUtilizationInfo_t, processSamplesCount, procUtilArray)
CHAOS_STRUCT_LIST(nvmlEccSramUniqueUncorrectedErrorCounts_t, entryCount, entries)
CHAOS_STRUCT_LIST(nvmlVgpuInstancesUtilizationInfo_t, vgpuInstanceCount, vgpuUtilArray)
CHAOS_STRUCT_LIST(nvmlVgpuProcessesUtilizationInfo_t, vgpuProcessCount, vgpuProcUtilArray)
CHAOS_STRUCT_LIST(nvmlVgpuPlacementList_t, count, placementIds)
CHAOS_STRUCT_LIST(nvmlActiveVgpuInstanceInfo_t, vgpuCount, vgpuInstances)
CHAOS_STRUCT_LIST(nvmlVgpuTypeIdInfo_t, vgpuCount, vgpuTypeIds)
CHAOS_STRUCT_LIST(nvmlVgpuCreatablePlacementInfo_t, count, placementIds)
