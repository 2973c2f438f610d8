/* gcc's atomic builtins on one thread: lock xadd, lock cmpxchg, xchg,
 * lock or/and/add on memory, cmpxchg8b for 64-bit compare-and-swap,
 * and test-and-set spin locks. */
#include <stdio.h>

static int counter;
static unsigned flags;
static long long wide = 0x100000000LL;
static int lock;

int main(void)
{
    int old = __sync_fetch_and_add(&counter, 5);
    int now = __sync_add_and_fetch(&counter, 10);
    printf("xadd old=%d now=%d\n", old, now);
    int seen = __sync_val_compare_and_swap(&counter, 15, 100);
    int failed = __sync_val_compare_and_swap(&counter, 15, 200);
    printf("cas seen=%d failed=%d counter=%d bool=%d\n", seen, failed, counter,
           __sync_bool_compare_and_swap(&counter, 100, 7));
    int prev = __atomic_exchange_n(&counter, 42, __ATOMIC_SEQ_CST);
    printf("xchg prev=%d counter=%d\n", prev, counter);
    __atomic_fetch_or(&flags, 0x11u, __ATOMIC_SEQ_CST);
    __atomic_fetch_and(&flags, ~0x1u, __ATOMIC_SEQ_CST);
    unsigned f2 = __atomic_or_fetch(&flags, 0x100u, __ATOMIC_SEQ_CST);
    unsigned f3 = __atomic_fetch_xor(&flags, 0xffu, __ATOMIC_SEQ_CST);
    printf("flags=%x f2=%x f3=%x\n", flags, f2, f3);
    long long w = __sync_val_compare_and_swap(&wide, 0x100000000LL, -5LL);
    long long w2 = __sync_val_compare_and_swap(&wide, 0x100000000LL, 77LL);
    printf("cas8b w=%lld w2=%lld wide=%lld\n", w, w2, wide);
    int spins = 0;
    while (__sync_lock_test_and_set(&lock, 1) == 0)
        spins++;
    printf("lock=%d spins=%d\n", lock, spins);
    __sync_lock_release(&lock);
    printf("released lock=%d\n", lock);
    __atomic_store_n(&counter, 9, __ATOMIC_SEQ_CST);
    printf("load %d\n", __atomic_load_n(&counter, __ATOMIC_SEQ_CST));
    return counter;
}
