package main

import (
	"bytes"
	"fmt"
	"hash/fnv"
	"math/rand"
	"reflect"
	"sort"
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/api/apitesting/fuzzer"
	"k8s.io/apimachinery/pkg/api/apitesting/roundtrip"
	apimeta "k8s.io/apimachinery/pkg/api/meta"
	metafuzzer "k8s.io/apimachinery/pkg/apis/meta/fuzzer"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/runtime/serializer/protobuf"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
)

// The scheme under test: every group/version/kind client-go registers at the pinned release.
var (
	scheme = clientgoscheme.Scheme
	codecs = clientgoscheme.Codecs
)

type gvk struct {
	Group   string `json:"group"`
	Version string `json:"version"`
	Kind    string `json:"kind"`
}

func (k gvk) schema() schema.GroupVersionKind {
	return schema.GroupVersionKind{Group: k.Group, Version: k.Version, Kind: k.Kind}
}

func (k gvk) apiVersion() string { return k.schema().GroupVersion().String() }

func (k gvk) String() string { return k.apiVersion() + " " + k.Kind }

type kindInfo struct {
	gvk
	// Object: has ObjectMeta, so kube-apiserver stores it through the etcd3 store.
	Object bool `json:"object"`
	List   bool `json:"list"`
	// Protobuf: the protobuf serializer can write it (Table and a few meta types cannot).
	Protobuf bool `json:"protobuf"`
	// Meta: a k8s.io/apimachinery meta type that metav1.AddToGroupVersion registers under every group/version.
	Meta   bool   `json:"meta"`
	GoType string `json:"goType"`
}

var kindsCache []kindInfo

// allKinds lists the external kinds of the scheme, sorted by group, version, kind.
func allKinds() []kindInfo {
	if kindsCache != nil {
		return kindsCache
	}
	pb := protobuf.NewSerializer(scheme, scheme)
	for k, t := range scheme.AllKnownTypes() {
		if k.Version == "" || k.Version == runtime.APIVersionInternal {
			continue
		}
		obj := reflect.New(t).Interface().(runtime.Object)
		_, isObject := obj.(metav1.Object)
		info := kindInfo{
			gvk:    gvk{k.Group, k.Version, k.Kind},
			Object: isObject,
			List:   apimeta.IsListType(obj),
			Meta:   strings.HasPrefix(t.PkgPath(), "k8s.io/apimachinery/"),
			GoType: t.PkgPath() + "." + t.Name(),
		}
		info.Protobuf = pb.Encode(obj, &bytes.Buffer{}) == nil
		kindsCache = append(kindsCache, info)
	}
	sort.Slice(kindsCache, func(i, j int) bool {
		a, b := kindsCache[i], kindsCache[j]
		if a.Group != b.Group {
			return a.Group < b.Group
		}
		if a.Version != b.Version {
			return a.Version < b.Version
		}
		return a.Kind < b.Kind
	})
	return kindsCache
}

func opKinds(*request) (any, error) {
	return map[string]any{"kinds": allKinds()}, nil
}

func newObject(k gvk) (runtime.Object, error) {
	obj, err := scheme.New(k.schema())
	if err != nil {
		return nil, fmt.Errorf("%s is not in client-go's scheme: %w", k, err)
	}
	return obj, nil
}

// fuzzObject fills a kind with apimachinery's fuzzer (the generic meta fuzz functions, as k8s.io/api's own
// round-trip test uses), deterministically from (kind, seed), and sets its TypeMeta as the round-trip test
// does for external types.
func fuzzObject(k gvk, seed int64) (runtime.Object, error) {
	obj, err := newObject(k)
	if err != nil {
		return nil, err
	}
	h := fnv.New64a()
	_, _ = h.Write([]byte(k.String()))
	f := fuzzer.FuzzerFor(metafuzzer.Funcs, rand.NewSource(int64(h.Sum64())^seed), codecs)
	f.Fill(obj)
	setTypeMeta(obj, k)
	return obj, nil
}

func setTypeMeta(obj runtime.Object, k gvk) {
	if acc, err := apimeta.TypeAccessor(obj); err == nil {
		acc.SetKind(k.Kind)
		acc.SetAPIVersion(k.apiVersion())
	}
}

// compatObjects are the deterministic objects of apimachinery's compatibility test (the upstream
// testdata/HEAD fixtures of kubernetes/api), for the given kinds.
func compatObjects(kinds []gvk) (*roundtrip.CompatibilityTestOptions, error) {
	opts := roundtrip.NewCompatibilityTestOptions(scheme)
	for _, k := range kinds {
		opts.Kinds = append(opts.Kinds, k.schema())
	}
	opts.TestDataDir = "/nonexistent"
	var failed bool
	t := &testing.T{}
	func() {
		defer func() {
			if recover() != nil {
				failed = true
			}
		}()
		opts.Complete(t)
	}()
	if failed || t.Failed() {
		return nil, fmt.Errorf("apimachinery's compatibility filler failed for %v", kinds)
	}
	return opts, nil
}

type compatVector struct {
	gvk
	JSON  string `json:"json"`
	YAML  string `json:"yaml"`
	Proto []byte `json:"pb"`
	Error string `json:"error,omitempty"`
}

// opCompat returns, per kind, the JSON, YAML and protobuf that apimachinery's compatibility test writes.
func opCompat(req *request) (any, error) {
	kinds := req.Kinds
	if len(kinds) == 0 {
		for _, k := range allKinds() {
			// as the compatibility test does: no lists, meta options only in the core group
			if k.List || (k.Meta && k.Group != "") {
				continue
			}
			kinds = append(kinds, k.gvk)
		}
	}
	opts, err := compatObjects(kinds)
	if err != nil {
		return nil, err
	}
	out := make([]compatVector, 0, len(kinds))
	for _, k := range kinds {
		obj := opts.FilledObjects[k.schema()]
		v := compatVector{gvk: k}
		var j, y, p bytes.Buffer
		if err := opts.JSON.Encode(obj, &j); err != nil {
			v.Error = err.Error()
		} else if err := opts.YAML.Encode(obj, &y); err != nil {
			v.Error = err.Error()
		} else if err := opts.Proto.Encode(obj, &p); err != nil {
			v.Error = err.Error()
		}
		v.JSON, v.YAML, v.Proto = j.String(), y.String(), p.Bytes()
		out = append(out, v)
	}
	return map[string]any{"vectors": out}, nil
}
