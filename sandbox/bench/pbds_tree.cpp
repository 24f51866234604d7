// The policy-based order-statistics tree (<bits/extc++.h>): n inserts and erases of random keys
// with order_of_key / find_by_order queries, as in inversion counting and k-th element problems.
#include <bits/extc++.h>
using namespace std;
using namespace __gnu_pbds;
typedef tree<pair<int, int>, null_type, less<pair<int, int>>, rb_tree_tag, tree_order_statistics_node_update> ordered_set;
int main() {
    int n;
    if (scanf("%d", &n) != 1) return 1;
    ordered_set s;
    unsigned x = 11;
    long long acc = 0;
    for (int i = 0; i < n; ++i) {
        x = x * 1103515245u + 12345u;
        int key = int((x >> 4) % 1000000);
        s.insert({key, i});
        acc += s.order_of_key({key, -1});
        if (i % 3 == 2) {
            auto it = s.find_by_order((x >> 7) % s.size());
            acc += it->first;
            s.erase(it);
        }
    }
    printf("%lld %d\n", acc, int(s.size()));
}
