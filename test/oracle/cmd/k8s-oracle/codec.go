package main

import (
	"bytes"
	"fmt"
	"strings"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured/unstructuredscheme"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/runtime/serializer/cbor"
	"k8s.io/apimachinery/pkg/runtime/serializer/json"
	"k8s.io/apimachinery/pkg/runtime/serializer/protobuf"
	"k8s.io/apimachinery/pkg/runtime/serializer/recognizer"
	serverstorage "k8s.io/apiserver/pkg/server/storage"
)

const (
	mediaProtobuf = runtime.ContentTypeProtobuf
	mediaJSON     = runtime.ContentTypeJSON
	mediaCBOR     = runtime.ContentTypeCBOR
)

// Serializers for built-in kinds (typed, client-go's scheme) and for custom resources (unstructured).
var (
	jsonSerializer = json.NewSerializerWithOptions(json.DefaultMetaFactory, scheme, scheme, json.SerializerOptions{})
	yamlSerializer = json.NewSerializerWithOptions(json.DefaultMetaFactory, scheme, scheme, json.SerializerOptions{Yaml: true})
	pbSerializer   = protobuf.NewSerializer(scheme, scheme)
	cborSerializer = cbor.NewSerializer(scheme, scheme)

	crCreator    = unstructuredscheme.NewUnstructuredCreator()
	crTyper      = unstructuredscheme.NewUnstructuredObjectTyper()
	crJSON       = json.NewSerializerWithOptions(json.DefaultMetaFactory, crCreator, crTyper, json.SerializerOptions{})
	crCBOR       = cbor.NewSerializer(crCreator, crTyper)
	crSerializer = unstructuredStorageSerializer{}
)

// mediaType maps the request's format to a storage media type ("" and "protobuf" -> protobuf).
func mediaType(format string) (string, error) {
	switch format {
	case "", "protobuf", "pb":
		return mediaProtobuf, nil
	case "json":
		return mediaJSON, nil
	case "cbor":
		return mediaCBOR, nil
	}
	return "", fmt.Errorf("unknown format %q (protobuf, json or cbor)", format)
}

// storageCodec is what kube-apiserver builds for a resource: server/storage.NewStorageCodec over the
// scheme's serializers for built-in kinds, or over the unstructured JSON/CBOR serializers that
// apiextensions-apiserver uses for custom resources.
func storageCodec(k gvk, custom bool, media string) (runtime.Codec, error) {
	gv := k.schema().GroupVersion()
	var ser runtime.StorageSerializer = codecs
	if custom {
		ser = crSerializer
	} else if media == mediaCBOR {
		ser = typedCBORStorageSerializer{}
	}
	codec, _, err := serverstorage.NewStorageCodec(serverstorage.StorageCodecConfig{
		StorageMediaType:  media,
		StorageSerializer: ser,
		StorageVersion:    gv,
		MemoryVersion:     gv,
	})
	return codec, err
}

// unstructuredStorageSerializer offers the media types of apiextensions-apiserver's
// unstructuredNegotiatedSerializer (JSON, and CBOR as with the CBORServingAndStorage gate) for custom
// resources. Unstructured objects carry their own apiVersion, so no version conversion is involved.
type unstructuredStorageSerializer struct{}

func (unstructuredStorageSerializer) SupportedMediaTypes() []runtime.SerializerInfo {
	return []runtime.SerializerInfo{
		{MediaType: mediaJSON, MediaTypeType: "application", MediaTypeSubType: "json", EncodesAsText: true, Serializer: crJSON},
		{MediaType: mediaCBOR, MediaTypeType: "application", MediaTypeSubType: "cbor", Serializer: crCBOR},
	}
}
func (unstructuredStorageSerializer) UniversalDeserializer() runtime.Decoder {
	return recognizer.NewDecoder(crJSON, crCBOR)
}
func (unstructuredStorageSerializer) EncoderForVersion(e runtime.Encoder, _ runtime.GroupVersioner) runtime.Encoder {
	return e
}
func (unstructuredStorageSerializer) DecoderToVersion(d runtime.Decoder, _ runtime.GroupVersioner) runtime.Decoder {
	return d
}

// typedCBORStorageSerializer is client-go's codec factory plus apimachinery's CBOR serializer for typed
// objects (what the factory offers when the CBOR feature gate is on).
type typedCBORStorageSerializer struct{}

func (typedCBORStorageSerializer) SupportedMediaTypes() []runtime.SerializerInfo {
	return append(codecs.SupportedMediaTypes(), runtime.SerializerInfo{MediaType: mediaCBOR, MediaTypeType: "application", MediaTypeSubType: "cbor", Serializer: cborSerializer})
}
func (typedCBORStorageSerializer) UniversalDeserializer() runtime.Decoder {
	return recognizer.NewDecoder(cborSerializer, codecs.UniversalDeserializer())
}
func (typedCBORStorageSerializer) EncoderForVersion(e runtime.Encoder, gv runtime.GroupVersioner) runtime.Encoder {
	return codecs.EncoderForVersion(e, gv)
}
func (typedCBORStorageSerializer) DecoderToVersion(d runtime.Decoder, gv runtime.GroupVersioner) runtime.Decoder {
	return codecs.DecoderToVersion(d, gv)
}

// toJSON is kube JSON as the API server serves it (no trailing newline).
func toJSON(obj runtime.Object) (string, error) {
	var buf bytes.Buffer
	enc := runtime.Encoder(jsonSerializer)
	if _, ok := obj.(runtime.Unstructured); ok {
		enc = crJSON
	}
	if err := enc.Encode(obj, &buf); err != nil {
		return "", err
	}
	return strings.TrimSuffix(buf.String(), "\n"), nil
}

// parseObject reads a JSON object (built-in kind by its apiVersion/kind, or a custom resource).
func parseObject(data []byte, k *gvk, custom bool) (runtime.Object, error) {
	if custom {
		u := &unstructured.Unstructured{}
		if err := u.UnmarshalJSON(data); err != nil {
			return nil, err
		}
		return u, nil
	}
	var into runtime.Object
	var def *schema.GroupVersionKind
	if k != nil {
		obj, err := newObject(*k)
		if err != nil {
			return nil, err
		}
		into = obj
		s := k.schema()
		def = &s
	}
	obj, _, err := jsonSerializer.Decode(data, def, into)
	return obj, err
}

func serializerFor(format string, custom bool) (runtime.Serializer, error) {
	switch format {
	case "json":
		if custom {
			return crJSON, nil
		}
		return jsonSerializer, nil
	case "yaml":
		return yamlSerializer, nil
	case "cbor":
		if custom {
			return crCBOR, nil
		}
		return cborSerializer, nil
	case "", "protobuf", "pb":
		if custom {
			return nil, fmt.Errorf("custom resources have no protobuf encoding")
		}
		return pbSerializer, nil
	}
	return nil, fmt.Errorf("unknown format %q (protobuf, json, yaml or cbor)", format)
}

// opEncode serializes a JSON object (built-in kind, or custom resource when format is json/cbor and the
// kind is not in the scheme) with apimachinery's serializer for `format`, without storage.
func opEncode(req *request) (any, error) {
	custom := req.Resource == "custom"
	obj, err := parseObject(req.Object, req.Kind, custom)
	if err != nil {
		return nil, fmt.Errorf("cannot read the object: %w", err)
	}
	if req.Kind != nil {
		setTypeMeta(obj, *req.Kind)
	}
	ser, err := serializerFor(req.Format, custom)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := ser.Encode(obj, &buf); err != nil {
		return nil, err
	}
	return map[string]any{"data": buf.Bytes()}, nil
}

// opDecode reads serialized bytes (protobuf, JSON or CBOR, recognised as the storage codec does) into an
// object and returns its JSON. `resource: custom` reads them as a custom resource (unstructured).
func opDecode(req *request) (any, error) {
	custom := req.Resource == "custom"
	var dec runtime.Decoder = recognizer.NewDecoder(pbSerializer, cborSerializer, jsonSerializer)
	if custom {
		dec = crSerializer.UniversalDeserializer()
	}
	var def *schema.GroupVersionKind
	var into runtime.Object
	if req.Kind != nil {
		s := req.Kind.schema()
		def = &s
		if !custom {
			obj, err := newObject(*req.Kind)
			if err != nil {
				return nil, err
			}
			into = obj
		}
	}
	obj, _, err := dec.Decode(req.Data, def, into)
	if err != nil {
		return nil, err
	}
	if req.Kind != nil && !custom {
		setTypeMeta(obj, *req.Kind)
	}
	j, err := toJSON(obj)
	if err != nil {
		return nil, err
	}
	return map[string]any{"json": j}, nil
}
