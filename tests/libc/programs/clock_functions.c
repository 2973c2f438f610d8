/* The clock: what any clock guarantees holds natively and simulated; the raw
 * values (argv[1] = "raw") are the virtual clock's, the same in every run. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    struct timespec a, b, cpu, bad = {0, 2000000000L};
    struct timeval tv;
    time_t t0 = time(NULL), t1;
    clock_t c0 = clock();
    volatile long k, sum = 0;
    int status, r;
    clock_gettime(CLOCK_MONOTONIC, &a);
    for (k = 0; k < 100000; k++)
        sum += k;
    gettimeofday(&tv, NULL);
    clock_t c1 = clock();
    sleep(2);
    usleep(1500);
    clock_gettime(CLOCK_MONOTONIC, &b);
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &cpu);
    t1 = time(&t1);
    long long ns = (b.tv_sec - a.tv_sec) * 1000000000LL + (b.tv_nsec - a.tv_nsec);
    printf("slept enough: %d, cpu grew: %d, after 2026: %d, tv ok: %d\n", ns >= 2001500000LL, c1 > c0,
           t0 >= 1767225600, tv.tv_usec >= 0 && tv.tv_usec < 1000000 && tv.tv_sec >= t0);
    printf("a sleep of 2 s: %d\n", t1 - t0 >= 2 && t1 - t0 <= 3);
    errno = 0;
    r = nanosleep(&bad, NULL);
    printf("bad timespec: %d %s\n", r, strerror(errno));
    r = clock_gettime(99, &a);
    printf("bad clock: %d %s\n", r, strerror(errno));
    clock_gettime(CLOCK_MONOTONIC, &a);
    if (fork() == 0) {
        sleep(1);                 /* the parent waits meanwhile: the clock jumps */
        _exit(4);
    }
    wait(&status);
    clock_gettime(CLOCK_MONOTONIC, &b);
    ns = (b.tv_sec - a.tv_sec) * 1000000000LL + (b.tv_nsec - a.tv_nsec);
    printf("child slept 1 s: %d, status %d\n", ns >= 1000000000LL && ns < 2000000000LL, WEXITSTATUS(status));
    if (argc > 1)
        printf("raw: %ld %ld.%09ld cpu %ld.%09ld clock %ld\n", (long)t0, (long)b.tv_sec, b.tv_nsec,
               (long)cpu.tv_sec, cpu.tv_nsec, (long)c1);
    return 0;
}
