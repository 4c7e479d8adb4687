package main

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"
	"go.etcd.io/etcd/client/v3/kubernetes"
	"google.golang.org/grpc"

	apimeta "k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apiserver/pkg/server/options/encryptionconfig"
	"k8s.io/apiserver/pkg/storage"
	"k8s.io/apiserver/pkg/storage/etcd3"
	"k8s.io/apiserver/pkg/storage/value"
	"k8s.io/apiserver/pkg/storage/value/encrypt/identity"
)

const registryPrefix = "/registry"

// One etcd client for every store (kube-apiserver opens one per resource; the bytes are the same).
var (
	storeMu      sync.Mutex
	etcdClient   *kubernetes.Client
	transformers encryptionconfig.StaticTransformers
	stores       = map[string]storage.Interface{}
	cancelConfig context.CancelFunc
)

func closeStores() {
	storeMu.Lock()
	defer storeMu.Unlock()
	for _, s := range stores {
		if c, ok := s.(interface{ Close() }); ok {
			c.Close()
		}
	}
	stores = map[string]storage.Interface{}
	if etcdClient != nil {
		_ = etcdClient.Close()
		etcdClient = nil
	}
	if cancelConfig != nil {
		cancelConfig()
		cancelConfig = nil
	}
	transformers = nil
}

// opConnect points the oracle at an etcd cluster, with kube-apiserver's EncryptionConfiguration when
// given (encryptionconfig.LoadEncryptionConfig builds the same transformers the API server uses).
func opConnect(req *request) (any, error) {
	closeStores()
	if len(req.Endpoints) == 0 {
		return nil, fmt.Errorf("connect needs endpoints")
	}
	c, err := kubernetes.New(clientv3.Config{
		Endpoints:   req.Endpoints,
		DialTimeout: 5 * time.Second,
		DialOptions: []grpc.DialOption{grpc.WithBlock()},
		Logger:      quietLogger(),
	})
	if err != nil {
		return nil, fmt.Errorf("cannot connect to etcd %v: %w", req.Endpoints, err)
	}
	storeMu.Lock()
	defer storeMu.Unlock()
	etcdClient = c
	if req.EncryptionConfig != "" {
		ctx, cancel := context.WithCancel(context.Background())
		cfg, err := encryptionconfig.LoadEncryptionConfig(ctx, req.EncryptionConfig, false, "k8s-oracle")
		if err != nil {
			cancel()
			return nil, err
		}
		cancelConfig = cancel
		transformers = encryptionconfig.StaticTransformers(cfg.Transformers)
	}
	return map[string]any{}, nil
}

func transformerFor(gr schema.GroupResource) value.Transformer {
	if transformers == nil {
		return identity.NewEncryptCheckTransformer()
	}
	return transformers.TransformerForResource(gr)
}

// target says where an object lives: its etcd key, the resource's key prefix and group/resource (which
// choose the encryption provider), and how it is encoded.
type target struct {
	key    string // full etcd key, /registry/...
	prefix string // resource prefix, /registry/<resource>
	gr     schema.GroupResource
	kind   gvk
	custom bool
	media  string
}

func targetOf(req *request) (*target, error) {
	if req.Kind == nil {
		return nil, fmt.Errorf("%s needs kind", req.Op)
	}
	if !strings.HasPrefix(req.Key, registryPrefix+"/") {
		return nil, fmt.Errorf("key %q is not under %s/", req.Key, registryPrefix)
	}
	media, err := mediaType(req.Format)
	if err != nil {
		return nil, err
	}
	custom := !isBuiltin(*req.Kind)
	t := &target{key: req.Key, prefix: req.Prefix, gr: schema.ParseGroupResource(req.Resource), kind: *req.Kind, custom: custom, media: media}
	if t.gr.Resource == "" {
		t.gr = schema.GroupResource{Group: req.Kind.Group, Resource: strings.ToLower(req.Kind.Kind) + "s"}
	}
	if t.prefix == "" {
		t.prefix = req.Key[:strings.LastIndex(req.Key, "/")]
	}
	if custom && media == mediaProtobuf {
		t.media = mediaJSON // custom resources have no protobuf form
	}
	return t, nil
}

func isBuiltin(k gvk) bool { return scheme.Recognizes(k.schema()) }

// storageKey is the key the etcd3 store is given (it prepends /registry itself).
func (t *target) storageKey() string { return strings.TrimPrefix(t.key, registryPrefix) }

func (t *target) newObject() runtime.Object {
	if t.custom {
		u := &unstructured.Unstructured{}
		u.SetGroupVersionKind(t.kind.schema())
		return u
	}
	obj, _ := newObject(t.kind)
	return obj
}

// store returns k8s.io/apiserver's etcd3 store for the target's resource, built as
// storagebackend/factory.newETCD3Storage builds it.
func (t *target) store() (storage.Interface, error) {
	storeMu.Lock()
	defer storeMu.Unlock()
	if etcdClient == nil {
		return nil, fmt.Errorf("not connected: send connect first")
	}
	id := fmt.Sprintf("%s|%s|%s|%v|%s", t.prefix, t.gr, t.kind, t.custom, t.media)
	if s, ok := stores[id]; ok {
		return s, nil
	}
	codec, err := storageCodec(t.kind, t.custom, t.media)
	if err != nil {
		return nil, err
	}
	versioner := storage.APIObjectVersioner{}
	newList := func() runtime.Object {
		if t.custom {
			return &unstructured.UnstructuredList{}
		}
		if l, err := scheme.New(t.kind.schema().GroupVersion().WithKind(t.kind.Kind + "List")); err == nil {
			return l
		}
		return &metav1.List{}
	}
	resourcePrefix := strings.TrimPrefix(t.prefix, registryPrefix)
	s, err := etcd3.New(etcdClient, nil, codec, t.newObject, newList, registryPrefix, resourcePrefix, t.gr,
		transformerFor(t.gr), etcd3.NewDefaultLeaseManagerConfig(), etcd3.NewDefaultDecoder(codec, versioner), versioner)
	if err != nil {
		return nil, err
	}
	stores[id] = s
	return s, nil
}

// create stores obj as kube-apiserver's registry does on POST: through the etcd3 store, which refuses a
// set resourceVersion and fails if the key exists.
func (t *target) create(ctx context.Context, obj runtime.Object) (int64, error) {
	s, err := t.store()
	if err != nil {
		return 0, err
	}
	if acc, err := apimeta.Accessor(obj); err == nil {
		acc.SetResourceVersion("")
	}
	out := t.newObject()
	if err := s.Create(ctx, t.storageKey(), obj, out, 0); err != nil {
		return 0, err
	}
	acc, _ := apimeta.Accessor(out)
	var rev int64
	_, _ = fmt.Sscan(acc.GetResourceVersion(), &rev)
	return rev, nil
}

// putRaw writes a kind that has no ObjectMeta (lists, options, WatchEvent): the storage codec and the
// resource's transformer, as the store would, but without the store's object bookkeeping.
func (t *target) putRaw(ctx context.Context, obj runtime.Object) (int64, error) {
	codec, err := storageCodec(t.kind, t.custom, t.media)
	if err != nil {
		return 0, err
	}
	data, err := runtime.Encode(codec, obj)
	if err != nil {
		return 0, err
	}
	out, err := transformerFor(t.gr).TransformToStorage(ctx, data, value.DefaultContext(t.key))
	if err != nil {
		return 0, err
	}
	resp, err := etcdClient.KV.Put(ctx, t.key, string(out))
	if err != nil {
		return 0, err
	}
	return resp.Header.Revision, nil
}

// get reads the object as the API server does (etcd3 store: transformer, storage codec, resourceVersion
// from mod_revision); for kinds without ObjectMeta, the raw value through transformer and codec.
func (t *target) get(ctx context.Context, hasMeta bool) (runtime.Object, string, error) {
	if !hasMeta {
		resp, err := etcdClient.KV.Get(ctx, t.key)
		if err != nil {
			return nil, "", err
		}
		if len(resp.Kvs) == 0 {
			return nil, "", fmt.Errorf("%s not found", t.key)
		}
		kv := resp.Kvs[0]
		data, _, err := transformerFor(t.gr).TransformFromStorage(ctx, kv.Value, value.DefaultContext(t.key))
		if err != nil {
			return nil, "", err
		}
		codec, err := storageCodec(t.kind, t.custom, t.media)
		if err != nil {
			return nil, "", err
		}
		obj, _, err := codec.Decode(data, ptr(t.kind.schema()), t.newObject())
		if err != nil {
			return nil, "", err
		}
		setTypeMeta(obj, t.kind)
		return obj, fmt.Sprint(kv.ModRevision), nil
	}
	s, err := t.store()
	if err != nil {
		return nil, "", err
	}
	out := t.newObject()
	if err := s.Get(ctx, t.storageKey(), storage.GetOptions{}, out); err != nil {
		return nil, "", err
	}
	if !t.custom {
		setTypeMeta(out, t.kind)
	}
	acc, err := apimeta.Accessor(out)
	if err != nil {
		return nil, "", err
	}
	rv := acc.GetResourceVersion()
	return out, rv, nil
}

func ptr[T any](v T) *T { return &v }

func hasObjectMeta(t *target) bool {
	_, ok := t.newObject().(metav1.Object)
	return ok
}

// opCreate stores a JSON object through the etcd3 store and returns what was stored (as JSON) and its
// resourceVersion.
func opCreate(req *request) (any, error) {
	t, err := targetOf(req)
	if err != nil {
		return nil, err
	}
	obj, err := parseObject(req.Object, req.Kind, t.custom)
	if err != nil {
		return nil, fmt.Errorf("cannot read the object: %w", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var rev int64
	if hasObjectMeta(t) {
		rev, err = t.create(ctx, obj)
	} else {
		rev, err = t.putRaw(ctx, obj)
	}
	if err != nil {
		return nil, err
	}
	return map[string]any{"revision": rev}, nil
}

// opGet reads an object the way kube-apiserver does and returns its JSON (with metadata.resourceVersion
// set from the etcd mod_revision, as the API serves it) and that resourceVersion.
func opGet(req *request) (any, error) {
	t, err := targetOf(req)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	obj, rv, err := t.get(ctx, hasObjectMeta(t))
	if err != nil {
		return nil, err
	}
	j, err := toJSON(obj)
	if err != nil {
		return nil, err
	}
	return map[string]any{"json": j, "resourceVersion": rv}, nil
}

// opUpdate changes an object through the store's GuaranteedUpdate (optimistic concurrency on the etcd
// mod_revision), as a PUT does: when resourceVersion is given and differs from the stored object's, it
// fails with a conflict like the API server's; otherwise the labels are merged in.
func opUpdate(req *request) (any, error) {
	t, err := targetOf(req)
	if err != nil {
		return nil, err
	}
	s, err := t.store()
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	out := t.newObject()
	var seenRV string
	err = s.GuaranteedUpdate(ctx, t.storageKey(), out, false, nil, func(existing runtime.Object, _ storage.ResponseMeta) (runtime.Object, *uint64, error) {
		acc, err := apimeta.Accessor(existing)
		if err != nil {
			return nil, nil, err
		}
		seenRV = acc.GetResourceVersion()
		if req.ResourceVersion != "" && req.ResourceVersion != seenRV {
			return nil, nil, fmt.Errorf("conflict: the object has been modified; resourceVersion %s was given but the stored object is at %s", req.ResourceVersion, seenRV)
		}
		labels := acc.GetLabels()
		if labels == nil {
			labels = map[string]string{}
		}
		for k, v := range req.Labels {
			labels[k] = v
		}
		acc.SetLabels(labels)
		return existing, nil, nil
	}, nil)
	if err != nil {
		return nil, err
	}
	if !t.custom {
		setTypeMeta(out, t.kind)
	}
	acc, _ := apimeta.Accessor(out)
	j, err := toJSON(out)
	if err != nil {
		return nil, err
	}
	return map[string]any{"json": j, "resourceVersion": acc.GetResourceVersion(), "previousResourceVersion": seenRV}, nil
}
