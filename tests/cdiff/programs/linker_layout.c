/* Where the linker puts things: aligned globals, a large .bss array,
 * read-only pointer tables, string literals with escapes, relocations with
 * negative and past-the-end addends, self-referencing initialisers, a weak
 * undefined function (address 0), and a custom section.  Every address is
 * printed: vmdebug's linker must lay the image out as GNU ld does. */
#include <stdio.h>
#include <string.h>

struct node { struct node *self; const char *name; int value; };

char small_a = 'a';
int aligned64 __attribute__((aligned(64))) = 64;
short small_s = 7;
long long ll_data = 0x1122334455667788LL;
char big_bss[100000];
int bss_after;
static int page_aligned[16] __attribute__((aligned(4096)));
int array[10] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
int *const before = array - 1;
int *const past_end = &array[10];
int *mid = &array[5];
struct node self_ref = {&self_ref, "self", 42};
const char *const strs[] = {"tab\there", "quote\"s", "octal\101\102", "hex\x41", "\377\001", "nl\n"};
const char *tail = "abcdef" + 3;
int in_custom __attribute__((section(".mydata"))) = 1234;
extern void maybe_missing(void) __attribute__((weak));
static const unsigned char bytes[] = {1, 2, 3};
const char msg[] = "const char array";

int main(void)
{
    printf("small_a %p aligned64 %p small_s %p ll_data %p\n", (void *)&small_a, (void *)&aligned64,
           (void *)&small_s, (void *)&ll_data);
    printf("big_bss %p bss_after %p page_aligned %p array %p\n", (void *)big_bss, (void *)&bss_after,
           (void *)page_aligned, (void *)array);
    printf("before+1==array %d past_end-array %d *mid %d\n", before + 1 == array, (int)(past_end - array), *mid);
    printf("self_ref.self==&self_ref %d %s %d at %p\n", self_ref.self == &self_ref, self_ref.self->name,
           self_ref.value, (void *)&self_ref);
    for (int i = 0; i < 6; i++) {
        printf("strs[%d] at %p len %u:", i, (void *)strs[i], (unsigned)strlen(strs[i]));
        for (const char *p = strs[i]; *p; p++)
            printf(" %02x", (unsigned char)*p);
        printf("\n");
    }
    printf("tail %s at %p, msg at %p, bytes at %p, strs at %p\n", tail, (void *)tail, (void *)msg, (void *)bytes,
           (void *)strs);
    printf("in_custom %d at %p\n", in_custom, (void *)&in_custom);
    printf("maybe_missing %p\n", (void *)maybe_missing);
    printf("main %p printf %p memcpy %p\n", (void *)main, (void *)printf, (void *)memcpy);
    page_aligned[3] = 5;
    big_bss[99999] = 1;
    return big_bss[99999] + page_aligned[3] + bytes[2];
}
