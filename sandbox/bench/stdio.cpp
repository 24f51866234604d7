// scanf/printf of 10^6 numbers: the same work as iostream.cpp through C stdio.
#include <bits/stdc++.h>
int main() {
    int n;
    if (scanf("%d", &n) != 1) return 1;
    long long sum = 0;
    std::vector<long long> v(n);
    for (auto &e : v) { scanf("%lld", &e); sum += e; }
    for (auto e : v) printf("%lld\n", 2 * e);
    printf("%lld\n", sum);
}
