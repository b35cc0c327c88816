/* Calls into the host-built core library through the generated C header, as the Swift
 * bindings do on iOS, to prove that header, library and Swift bindings agree.
 *
 * tests/swift.sh compiles it with the header's folder on the include path and with two
 * files it extracts from the generated Swift: checksums.inc, the contract version and
 * every API checksum that the Swift bindings compare at load time (a mismatch here is
 * the "UniFFI API checksum mismatch" an iPhone would hit), and errors.inc, the variant
 * number the Swift reads for each BranchbookError and InputField case. Then it calls the core as the
 * Swift does, with arguments lowered and results lifted by uniffi's wire format
 * (big-endian integers, i32-prefixed strings, a tag byte for options):
 * ethnic_groups(); Branchbook.open with a key of the wrong length (an error crossing
 * as the case the Swift expects); open with a key, home_counts() and enrollment() on
 * the new object, free it; open again with another key (WrongKey).
 *
 * Usage: ffi_link DATA_DIR (an empty folder it may write into)
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "errors.inc"

#include "BranchbookCoreFFI.h"
#include "BranchbookTypesFFI.h"

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
#define CONTRACT_VERSION(v)                                                                       \
    check(ffi_branchbook_ffi_uniffi_contract_version() == (v), "uniffi contract version (facade)"); \
    check(ffi_branchbook_core_uniffi_contract_version() == (v), "uniffi contract version (core types)")
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

static int read_u64(Reader *r, uint64_t *out) {
    if (r->len - r->pos < 8) return 0;
    uint64_t v = 0;
    for (int i = 0; i < 8; i++) v = v << 8 | r->data[r->pos + (uint64_t)i];
    *out = v;
    r->pos += 8;
    return 1;
}

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
    RustBuffer buf = uniffi_branchbook_ffi_fn_func_ethnic_groups(&status);
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

/* A RustBuffer holding a copy of `n` bytes, allocated by the library (which frees the
 * arguments it is given). */
static RustBuffer buffer_of(const uint8_t *bytes, int32_t n) {
    RustCallStatus status = {0};
    ForeignBytes foreign = {n, bytes};
    RustBuffer buf = ffi_branchbook_core_rustbuffer_from_bytes(foreign, &status);
    check(status.code == 0, "rustbuffer_from_bytes");
    return buf;
}

/* A top-level string argument: its UTF-8 bytes, no length prefix. */
static RustBuffer string_arg(const char *s) {
    return buffer_of((const uint8_t *)s, (int32_t)strlen(s));
}

/* An Option<Vec<u8>> argument holding `n` copies of `byte`: tag 1, i32 length, bytes. */
static RustBuffer some_key(uint8_t byte, int32_t n) {
    uint8_t data[64] = {1, 0, 0, 0, (uint8_t)n};
    memset(data + 5, byte, (size_t)n);
    return buffer_of(data, n + 5);
}

/* An AppRelease record argument: each field a string, as an i32 length (big-endian) and
 * its UTF-8 bytes. */
static RustBuffer app_release(const char *version, const char *build) {
    uint8_t data[128];
    int32_t n = 0;
    const char *fields[2] = {version, build};
    for (int i = 0; i < 2; i++) {
        int32_t len = (int32_t)strlen(fields[i]);
        data[n++] = (uint8_t)(len >> 24);
        data[n++] = (uint8_t)(len >> 16);
        data[n++] = (uint8_t)(len >> 8);
        data[n++] = (uint8_t)len;
        memcpy(data + n, fields[i], (size_t)len);
        n += len;
    }
    return buffer_of(data, n);
}

static void free_buffer(RustBuffer buf) {
    RustCallStatus status = {0};
    ffi_branchbook_core_rustbuffer_free(buf, &status);
    check(status.code == 0, "the buffer is freed by the library");
}

/* Opens the data in `dir`; returns the object's handle, or 0 with `error_case` set to
 * the variant of the BranchbookError raised (-1 if the call failed otherwise). */
static uint64_t open_core(const char *dir, uint8_t key_byte, int32_t key_len, int32_t *error_case,
                          RustBuffer *error_buf) {
    RustCallStatus status = {0};
    uint64_t handle = uniffi_branchbook_ffi_fn_constructor_branchbook_open(
        string_arg(dir), some_key(key_byte, key_len), string_arg("ffi-link"),
        app_release("0.1.0", "1"), &status);
    *error_case = 0;
    if (status.code == 0) return handle;
    Reader r = {status.errorBuf.data, status.errorBuf.len, 0};
    /* 1 is uniffi's "expected error" status; its buffer starts with the variant number. */
    if (status.code != 1 || !read_i32(&r, error_case)) *error_case = -1;
    *error_buf = status.errorBuf;
    return 0;
}

static void check_branchbook(const char *dir) {
    int32_t error_case = 0;
    RustBuffer error_buf = {0};

    check(open_core(dir, 7, 5, &error_case, &error_buf) == 0, "open with a 5-byte key fails");
    check(error_case == BRANCHBOOK_ERROR_InvalidInput, "a 5-byte key is BranchbookError.InvalidInput");
    if (error_case == BRANCHBOOK_ERROR_InvalidInput) {
        Reader r = {error_buf.data, error_buf.len, 4};
        int32_t field = 0;
        check(read_i32(&r, &field) && field == BRANCHBOOK_INPUT_FIELD_key, "the invalid field is InputField.key");
        free_buffer(error_buf);
    }

    uint64_t core = open_core(dir, 7, 32, &error_case, &error_buf);
    check(core != 0 && error_case == 0, "open with a 32-byte key");
    if (core == 0) return;

    /* Methods consume a handle: the Swift clones the object's own before each call. */
    RustCallStatus status = {0};
    uint64_t clone = uniffi_branchbook_ffi_fn_clone_branchbook(core, &status);
    RustBuffer counts = uniffi_branchbook_ffi_fn_method_branchbook_home_counts(clone, &status);
    check(status.code == 0, "home_counts() succeeds");
    if (status.code == 0) {
        Reader r = {counts.data, counts.len, 0};
        uint64_t value = 0, total = 0;
        int fields = 0;
        while (read_u64(&r, &value)) {
            fields++;
            total += value;
        }
        check(fields == 6 && r.pos == r.len, "home counts are six u64 fields");
        check(total == 0, "a new data folder counts nothing");
        free_buffer(counts);
    }

    clone = uniffi_branchbook_ffi_fn_clone_branchbook(core, &status);
    RustBuffer enrollment = uniffi_branchbook_ffi_fn_method_branchbook_enrollment(clone, &status);
    check(status.code == 0, "enrollment() succeeds");
    if (status.code == 0) {
        check(enrollment.len == 1 && enrollment.data[0] == 0, "a new phone has no enrollment (None)");
        free_buffer(enrollment);
    }

    uniffi_branchbook_ffi_fn_free_branchbook(core, &status);
    check(status.code == 0, "the object is freed");

    check(open_core(dir, 8, 32, &error_case, &error_buf) == 0, "open with another key fails");
    check(error_case == BRANCHBOOK_ERROR_WrongKey, "another key is BranchbookError.WrongKey");
    if (error_case > 0) free_buffer(error_buf);
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: ffi_link DATA_DIR\n");
        return 2;
    }
    check_contract();
    check_ethnic_groups();
    check_branchbook(argv[1]);
    printf("ffi: %d passed, %d failed\n", passed, failed);
    return failed == 0 ? 0 : 1;
}
