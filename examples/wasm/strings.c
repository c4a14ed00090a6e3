/*
 * String and numeric functions in C, built with
 *   clang --target=wasm32 -O2 -nostdlib -Wl,--no-entry -o strings.wasm strings.c
 * A string arrives as (pointer, length) of UTF-8 bytes that Codd wrote into memory it got from
 * alloc; a string goes back as one 64-bit value, pointer << 32 | length. Codd calls dealloc for
 * every buffer once it has read it.
 */
#include <stdint.h>

#define EXPORT(name) __attribute__((export_name(name)))

extern unsigned char __heap_base;
static uintptr_t next_free = 0;
static int live = 0;

/* A bump allocator that starts over once everything handed out has come back. */
EXPORT("alloc") void *alloc(int32_t size) {
    if (next_free == 0) next_free = (uintptr_t)&__heap_base;
    uintptr_t at = (next_free + 7) & ~(uintptr_t)7;
    uintptr_t end = at + (uintptr_t)size;
    uintptr_t have = __builtin_wasm_memory_size(0) * 65536;
    if (end > have) {
        uintptr_t pages = (end - have + 65535) / 65536;
        if (__builtin_wasm_memory_grow(0, pages) == (uintptr_t)-1) return 0;
    }
    next_free = end;
    live++;
    return (void *)at;
}

EXPORT("dealloc") void dealloc(void *at, int32_t size) {
    (void)at; (void)size;
    if (--live == 0) next_free = (uintptr_t)&__heap_base;
}

static int64_t string_result(unsigned char *at, int32_t length) {
    return ((int64_t)(uintptr_t)at << 32) | (uint32_t)length;
}

/* The string with ASCII letters in upper case and its characters in reverse order. */
EXPORT("shout_reversed") int64_t shout_reversed(const unsigned char *in, int32_t length) {
    unsigned char *out = alloc(length);
    int32_t i = 0;
    while (i < length) {
        /* copy one UTF-8 character, so that reversing keeps multi-byte characters whole */
        int32_t width = in[i] < 0x80 ? 1 : in[i] < 0xE0 ? 2 : in[i] < 0xF0 ? 3 : 4;
        for (int32_t k = 0; k < width; k++) {
            unsigned char c = in[i + k];
            if (c >= 'a' && c <= 'z') c -= 32;
            out[length - i - width + k] = c;
        }
        i += width;
    }
    return string_result(out, length);
}

/* How many bytes of the string are ASCII vowels. */
EXPORT("vowels") int32_t vowels(const unsigned char *in, int32_t length) {
    int32_t n = 0;
    for (int32_t i = 0; i < length; i++) {
        unsigned char c = in[i] | 32;
        n += c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u';
    }
    return n;
}

/* A risk score in [0, 1) that grows with the amount: amount / (amount + 1000). */
EXPORT("risk") double risk(double amount) {
    return amount <= 0 ? 0 : amount / (amount + 1000.0);
}
