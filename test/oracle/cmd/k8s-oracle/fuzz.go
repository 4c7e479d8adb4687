package main

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	apimeta "k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

type fuzzVector struct {
	gvk
	Seed int64  `json:"seed"`
	Key  string `json:"key"`
	// JSON is the oracle's reading of what it stored (transformer + storage codec), without
	// metadata.resourceVersion (which the store adds from the etcd revision and is not in the bytes).
	JSON     string `json:"json,omitempty"`
	Revision int64  `json:"revision,omitempty"`
	// Skipped says why Kubernetes itself cannot store this kind (no protobuf form); Error is a failure.
	Skipped string `json:"skipped,omitempty"`
	Error   string `json:"error,omitempty"`
}

// opFuzz fills every requested kind (default: all) with apimachinery's fuzzer for each seed, writes it
// into etcd through the storage codec (and the etcd3 store for kinds with ObjectMeta) under
// <prefix>/<group>/<version>/<kind>/<seed>, reads it back the way the API server does, and returns the
// JSON of what was read.
func opFuzz(req *request) (any, error) {
	infos := map[gvk]kindInfo{}
	for _, k := range allKinds() {
		infos[k.gvk] = k
	}
	kinds := req.Kinds
	if len(kinds) == 0 {
		for _, k := range allKinds() {
			kinds = append(kinds, k.gvk)
		}
	}
	seeds := req.Seeds
	if len(seeds) == 0 {
		seeds = []int64{1, 2, 3}
	}
	prefix := req.Prefix
	if prefix == "" {
		prefix = registryPrefix + "/oracle-fuzz"
	}
	media, err := mediaType(req.Format)
	if err != nil {
		return nil, err
	}
	out := make([]fuzzVector, 0, len(kinds)*len(seeds))
	for _, k := range kinds {
		for _, seed := range seeds {
			group := k.Group
			if group == "" {
				group = "core"
			}
			out = append(out, fuzzVector{gvk: k, Seed: seed, Key: fmt.Sprintf("%s/%s/%s/%s/%d", prefix, group, k.Version, k.Kind, seed)})
		}
	}
	work := make(chan int)
	var wg sync.WaitGroup
	for w := 0; w < 8; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range work {
				v := &out[i]
				info, ok := infos[v.gvk]
				if !ok {
					v.Error = fmt.Sprintf("%s is not in client-go's scheme", v.gvk)
					continue
				}
				if media == mediaProtobuf && !info.Protobuf {
					v.Skipped = fmt.Sprintf("%s (%s) has no protobuf serialization, so kube-apiserver cannot store it as protobuf", v.gvk, info.GoType)
					continue
				}
				if err := fuzzOne(v, info, media); err != nil {
					v.Error = err.Error()
				}
			}
		}()
	}
	for i := range out {
		work <- i
	}
	close(work)
	wg.Wait()
	return map[string]any{"vectors": out}, nil
}

func fuzzOne(v *fuzzVector, info kindInfo, media string) error {
	obj, err := fuzzObject(v.gvk, v.Seed)
	if err != nil {
		return err
	}
	t := &target{
		key:    v.Key,
		prefix: v.Key[:strings.LastIndex(v.Key, "/")],
		gr:     schema.GroupResource{Group: v.Group, Resource: strings.ToLower(v.Kind) + "s"},
		kind:   v.gvk,
		media:  media,
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if info.Object {
		v.Revision, err = t.create(ctx, obj)
	} else {
		v.Revision, err = t.putRaw(ctx, obj)
	}
	if err != nil {
		return fmt.Errorf("storing %s seed %d: %w", v.gvk, v.Seed, err)
	}
	back, _, err := t.get(ctx, info.Object)
	if err != nil {
		return fmt.Errorf("reading back %s seed %d: %w", v.gvk, v.Seed, err)
	}
	if info.Object {
		acc, _ := apimeta.Accessor(back)
		acc.SetResourceVersion("")
	}
	v.JSON, err = toJSON(back)
	return err
}
