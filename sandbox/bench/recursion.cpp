// Recursion-heavy: naive Fibonacci (about 2^n/1.6 calls) plus a recursive DFS over a random
// tree of 10^5 nodes, repeated.
#include <bits/stdc++.h>
std::vector<std::vector<int>> children;
long long fib(int n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }
long long dfs(int v, int depth) {
    long long s = depth;
    for (int c : children[v]) s += dfs(c, depth + 1);
    return s;
}
int main() {
    int n;
    if (scanf("%d", &n) != 1) return 1;
    int nodes = 100000;
    children.assign(nodes, {});
    unsigned x = 7;
    for (int i = 1; i < nodes; ++i) { x = x * 1103515245u + 12345u; children[(x >> 8) % i].push_back(i); }
    long long total = fib(n);
    for (int r = 0; r < 20; ++r) total += dfs(0, r);
    printf("%lld\n", total);
}
