// Prime sieve of Eratosthenes up to n (input), prints the number of primes.
#include <bits/stdc++.h>
int main() {
    int n;
    if (scanf("%d", &n) != 1) return 1;
    std::vector<char> composite(n + 1, 0);
    int count = 0;
    for (long long i = 2; i <= n; ++i) {
        if (composite[i]) continue;
        ++count;
        for (long long j = i * i; j <= n; j += i) composite[j] = 1;
    }
    printf("%d\n", count);
}
