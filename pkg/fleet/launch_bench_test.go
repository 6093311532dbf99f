package fleet_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/trustfix/trustfix/pkg/fleet"
)

// BenchmarkLaunch runs fleets of devices whose work is nothing, at -c 500:
// what is left is the pool's own cost per device, which must not grow with
// the fleet (it did: each launch moved the rest of the device list).
func BenchmarkLaunch(b *testing.B) {
	for _, n := range []int{1000, 10000, 50000} {
		devs := numbered(n)
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			for range b.N {
				sum := fleet.Run(context.Background(), context.Background(), devs, okWork, fleet.Options{Concurrency: 500})
				if len(sum.Records) != n {
					b.Fatalf("%d records, want %d", len(sum.Records), n)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/device")
		})
	}
}
