/* Calls into the host-built core library through the generated C header, as the Swift
 * bindings do on iOS, to prove that header, library and Swift bindings agree.
 *
 * tests/swift.sh compiles it with the header's folder on the include path and with
 * checksums.inc, which it extracts from the generated Swift: the contract version and
 * every API checksum that the Swift bindings compare at load time. A mismatch here is the
 * "UniFFI API checksum mismatch" an iPhone would hit. Then it calls ethnic_groups() and
 * decodes the RustBuffer by uniffi's wire format (big-endian i32 counts and lengths).
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "BranchbookCoreFFI.h"

static int passed = 0;
static int failed = 0;

static void check(int ok, const char *what) {
    if (ok) {
        passed++;
    } else {
        failed++;
        fprintf(stderr, "FAILED: %s\n", what);
    }
}

/* The contract version and API checksums the generated Swift expects. */
static void check_contract(void) {
#define CONTRACT_VERSION(v) check(ffi_branchbook_core_uniffi_contract_version() == (v), "uniffi contract version")
#define CHECKSUM(fn, v) check(fn() == (v), #fn)
#include "checksums.inc"
#undef CONTRACT_VERSION
#undef CHECKSUM
}

/* A cursor over a RustBuffer in uniffi's serialisation. */
typedef struct {
    const uint8_t *data;
    uint64_t len;
    uint64_t pos;
} Reader;

static int read_i32(Reader *r, int32_t *out) {
    if (r->len - r->pos < 4) return 0;
    const uint8_t *p = r->data + r->pos;
    *out = (int32_t)((uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | (uint32_t)p[3]);
    r->pos += 4;
    return 1;
}

/* Reads a string as a pointer into the buffer and its byte length. */
static int read_string(Reader *r, const char **s, int32_t *n) {
    if (!read_i32(r, n) || *n < 0 || (uint64_t)*n > r->len - r->pos) return 0;
    *s = (const char *)(r->data + r->pos);
    r->pos += (uint64_t)*n;
    return 1;
}

static int equals(const char *s, int32_t n, const char *expected) {
    return (size_t)n == strlen(expected) && memcmp(s, expected, (size_t)n) == 0;
}

static void check_ethnic_groups(void) {
    RustCallStatus status = {0};
    RustBuffer buf = uniffi_branchbook_core_fn_func_ethnic_groups(&status);
    check(status.code == 0, "ethnic_groups() returns without error");
    if (status.code != 0) return;

    Reader r = {buf.data, buf.len, 0};
    int32_t count = 0;
    int decoded = read_i32(&r, &count);
    int hmong_found = 0;
    for (int32_t i = 0; decoded && i < count; i++) {
        const char *key, *code, *name;
        int32_t key_n, code_n, name_n;
        decoded = read_string(&r, &key, &key_n) && read_string(&r, &code, &code_n) && read_string(&r, &name, &name_n);
        /* "Mông": the precomposed ô is two UTF-8 bytes. */
        if (decoded && equals(key, key_n, "hmong")) {
            hmong_found = equals(code, code_n, "08") && equals(name, name_n, "M\xc3\xb4ng");
        }
    }
    check(decoded && r.pos == r.len, "the returned buffer decodes exactly");
    check(count == 54, "54 ethnic groups");
    check(hmong_found, "Hmong is group 08, named M\xc3\xb4ng");

    RustCallStatus free_status = {0};
    ffi_branchbook_core_rustbuffer_free(buf, &free_status);
    check(free_status.code == 0, "the buffer is freed by the library");
}

int main(void) {
    check_contract();
    check_ethnic_groups();
    printf("ffi: %d passed, %d failed\n", passed, failed);
    return failed == 0 ? 0 : 1;
}
