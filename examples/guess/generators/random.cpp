// A generator in the style sieve runs (`random [max_n] <seed>`, the seed last, the input on
// stdout): one random input of Guess the Number, n up to max_n (default 10^9), 1 <= x <= n.
// The interactor judges a program on it: generated inputs need no answer.
#include <cstdio>
#include <cstdlib>

static unsigned long long splitmix(unsigned long long x) {
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

int main(int argc, char** argv) {
    if (argc < 2) return 2;
    unsigned long long seed = strtoull(argv[argc - 1], nullptr, 10);
    long long max_n = argc >= 3 ? atoll(argv[1]) : 1000000000LL;
    if (max_n < 1) return 2;
    unsigned long long a = splitmix(seed), b = splitmix(a);
    long long n = 1 + (long long)(a % (unsigned long long)max_n);
    long long x = 1 + (long long)(b % (unsigned long long)n);
    printf("%lld %lld\n", n, x);
    return 0;
}
