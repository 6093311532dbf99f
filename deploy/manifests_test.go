// Package deploy holds no code: its test parses the Kubernetes manifests
// of deploy/kubernetes into the API's own types (k8s.io/api) and checks
// what a cluster would only tell at 2 a.m.: Indexed completion, the shard
// count, the failure policy's API rules, the env wiring of the shard
// index and the secrets, and that every reference resolves. It is its own
// module so the product does not depend on Kubernetes.
package deploy

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"sigs.k8s.io/yaml"
)

// manifests are the objects of deploy/kubernetes/*.yaml, by kind and name.
type manifests struct {
	jobs       map[string]*batchv1.Job
	configMaps map[string]*corev1.ConfigMap
	secrets    map[string]*corev1.Secret
	claims     map[string]*corev1.PersistentVolumeClaim
}

// load decodes every document strictly: a misspelt field is an error,
// as `kubectl apply --validate=strict` would make it.
func load(t *testing.T) manifests {
	t.Helper()
	m := manifests{map[string]*batchv1.Job{}, map[string]*corev1.ConfigMap{}, map[string]*corev1.Secret{}, map[string]*corev1.PersistentVolumeClaim{}}
	files, err := filepath.Glob(filepath.Join("kubernetes", "*.yaml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no manifests: %v", err)
	}
	for _, file := range files {
		raw, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		r := utilyaml.NewYAMLReader(bufio.NewReader(bytes.NewReader(raw)))
		for {
			doc, err := r.Read()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				t.Fatalf("%s: %v", file, err)
			}
			if len(bytes.TrimSpace(doc)) == 0 {
				continue
			}
			var meta struct{ APIVersion, Kind string }
			if err := yaml.Unmarshal(doc, &meta); err != nil {
				t.Fatalf("%s: %v", file, err)
			}
			var obj interface{ GetName() string }
			switch meta.APIVersion + " " + meta.Kind {
			case "batch/v1 Job":
				obj = &batchv1.Job{}
			case "v1 ConfigMap":
				obj = &corev1.ConfigMap{}
			case "v1 Secret":
				obj = &corev1.Secret{}
			case "v1 PersistentVolumeClaim":
				obj = &corev1.PersistentVolumeClaim{}
			default:
				t.Fatalf("%s: unexpected %s %s", file, meta.APIVersion, meta.Kind)
			}
			if err := yaml.UnmarshalStrict(doc, obj); err != nil {
				t.Fatalf("%s: %s: %v", file, meta.Kind, err)
			}
			switch o := obj.(type) {
			case *batchv1.Job:
				m.jobs[o.Name] = o
			case *corev1.ConfigMap:
				m.configMaps[o.Name] = o
			case *corev1.Secret:
				m.secrets[o.Name] = o
			case *corev1.PersistentVolumeClaim:
				m.claims[o.Name] = o
			}
		}
	}
	return m
}

func (m manifests) job(t *testing.T, name string) (*batchv1.Job, *corev1.Container) {
	t.Helper()
	j := m.jobs[name]
	if j == nil {
		t.Fatalf("no Job %s", name)
	}
	cs := j.Spec.Template.Spec.Containers
	if len(cs) != 1 || cs[0].Name != "trustfix" {
		t.Fatalf("Job %s: want one container named trustfix", name)
	}
	return j, &cs[0]
}

// argAfter is the value of flag in args ("" when absent).
func argAfter(args []string, flag string) string {
	if i := slices.Index(args, flag); i >= 0 && i+1 < len(args) {
		return args[i+1]
	}
	return ""
}

// show prints an optional number.
func show(p *int32) string {
	if p == nil {
		return "unset"
	}
	return strconv.Itoa(int(*p))
}

func envVar(c *corev1.Container, name string) *corev1.EnvVar {
	for i := range c.Env {
		if c.Env[i].Name == name {
			return &c.Env[i]
		}
	}
	return nil
}

var varRef = regexp.MustCompile(`\$\(([A-Za-z_][A-Za-z0-9_]*)\)`)

// checkExpansions: Kubernetes expands $(NAME) in args and subPathExpr only
// for variables of the container's env; any other stays literal, and a
// journal named "shard-$(X).jsonl" would be shared by every pod.
func checkExpansions(t *testing.T, job string, c *corev1.Container) {
	t.Helper()
	texts := slices.Clone(c.Args)
	for _, vm := range c.VolumeMounts {
		texts = append(texts, vm.SubPathExpr)
	}
	for _, s := range texts {
		for _, ref := range varRef.FindAllStringSubmatch(s, -1) {
			if envVar(c, ref[1]) == nil {
				t.Errorf("Job %s: %q refers to $(%s), which the container's env does not define", job, s, ref[1])
			}
		}
	}
}

// mountOf is the volume mount whose path holds file.
func mountOf(c *corev1.Container, file string) *corev1.VolumeMount {
	for i, vm := range c.VolumeMounts {
		if strings.HasPrefix(file, strings.TrimSuffix(vm.MountPath, "/")+"/") || file == vm.MountPath {
			return &c.VolumeMounts[i]
		}
	}
	return nil
}

func volume(j *batchv1.Job, name string) *corev1.Volume {
	for i, v := range j.Spec.Template.Spec.Volumes {
		if v.Name == name {
			return &j.Spec.Template.Spec.Volumes[i]
		}
	}
	return nil
}

func TestApplyJobIsIndexedShards(t *testing.T) {
	m := load(t)
	j, c := m.job(t, "trustfix-apply")
	s := j.Spec
	if s.CompletionMode == nil || *s.CompletionMode != batchv1.IndexedCompletion {
		t.Fatalf("completionMode %v, want Indexed", s.CompletionMode)
	}
	if c.Args[0] != "apply" {
		t.Fatalf("args %v: want apply", c.Args)
	}
	// --shard index/N with N = completions: every index a shard, every
	// shard an index.
	k, n, ok := strings.Cut(argAfter(c.Args, "--shard"), "/")
	count, err := strconv.Atoi(n)
	if !ok || k != "index" || err != nil {
		t.Fatalf("args %v: want --shard index/N", c.Args)
	}
	if s.Completions == nil || int(*s.Completions) != count {
		t.Errorf("completions %s, --shard index/%d: they must agree", show(s.Completions), count)
	}
	if s.Parallelism == nil || *s.Parallelism < 1 || *s.Parallelism > int32(count) {
		t.Errorf("parallelism %s: want 1 to %d", show(s.Parallelism), count)
	}
	// The shard index comes from the Job controller, never from the
	// manifest (a fixed value would make every pod the same shard).
	if v := envVar(c, "JOB_COMPLETION_INDEX"); v != nil {
		t.Errorf("the container sets JOB_COMPLETION_INDEX itself (%+v): the Job controller sets it", v)
	}
	for _, f := range []string{"--yes", "--resume"} {
		if !slices.Contains(c.Args, f) {
			t.Errorf("args %v: want %s (unattended; a retried index continues its journal)", c.Args, f)
		}
	}
	checkExpansions(t, j.Name, c)

	// Each index its own journal: the path depends on the completion index.
	journal := argAfter(c.Args, "--journal")
	indexed := false
	for _, ref := range varRef.FindAllStringSubmatch(journal, -1) {
		if v := envVar(c, ref[1]); v != nil && v.ValueFrom != nil && v.ValueFrom.FieldRef != nil &&
			v.ValueFrom.FieldRef.FieldPath == "metadata.annotations['batch.kubernetes.io/job-completion-index']" {
			indexed = true
		}
	}
	if !indexed {
		t.Errorf("--journal %q does not depend on the completion index: the shards would share a journal", journal)
	}
	vm := mountOf(c, journal)
	if vm == nil || vm.ReadOnly {
		t.Fatalf("--journal %q is on no writable volume", journal)
	}
	if v := volume(j, vm.Name); v == nil || v.PersistentVolumeClaim == nil || m.claims[v.PersistentVolumeClaim.ClaimName] == nil {
		t.Errorf("the journals' volume %q is not a claim defined here: a retried pod must find its journal", vm.Name)
	}

	// The inventory from a ConfigMap that has it.
	inv := argAfter(c.Args, "-i")
	ivm := mountOf(c, inv)
	if ivm == nil || !ivm.ReadOnly {
		t.Fatalf("-i %q is on no read-only mount", inv)
	}
	iv := volume(j, ivm.Name)
	if iv == nil || iv.ConfigMap == nil || m.configMaps[iv.ConfigMap.Name] == nil {
		t.Fatalf("-i %q: volume %q is not a ConfigMap defined here", inv, ivm.Name)
	}
	cm := m.configMaps[iv.ConfigMap.Name]
	text, ok := cm.Data[strings.TrimPrefix(inv, ivm.MountPath+"/")]
	if !ok {
		t.Fatalf("ConfigMap %s has no key for %s", cm.Name, inv)
	}

	// Every password variable the inventory names comes from a Secret
	// defined here, by a key it has.
	var doc struct {
		Defaults map[string]any `json:"defaults"`
	}
	if err := yaml.Unmarshal([]byte(text), &doc); err != nil {
		t.Fatalf("the inventory in ConfigMap %s: %v", cm.Name, err)
	}
	for _, field := range []string{"password_env", "enable_password_env"} {
		name, _ := doc.Defaults[field].(string)
		if name == "" {
			t.Errorf("the inventory has no defaults.%s", field)
			continue
		}
		v := envVar(c, name)
		if v == nil || v.ValueFrom == nil || v.ValueFrom.SecretKeyRef == nil {
			t.Errorf("%s names $%s: the container must take it from a Secret", field, name)
			continue
		}
		ref := v.ValueFrom.SecretKeyRef
		sec := m.secrets[ref.Name]
		if sec == nil {
			t.Errorf("$%s: no Secret %s here", name, ref.Name)
		} else if _, ok := sec.StringData[ref.Key]; !ok {
			t.Errorf("$%s: Secret %s has no key %s", name, ref.Name, ref.Key)
		}
	}
	for _, e := range c.Env {
		if strings.Contains(strings.ToLower(e.Name), "password") && e.Value != "" {
			t.Errorf("env %s has a literal value: passwords come from the Secret", e.Name)
		}
	}
	if kh, _ := doc.Defaults["known_hosts"].(string); kh != "" {
		if _, ok := cm.Data[strings.TrimPrefix(kh, ivm.MountPath+"/")]; !ok || mountOf(c, kh) != ivm {
			t.Errorf("known_hosts %s is not in ConfigMap %s", kh, cm.Name)
		}
	}
}

// The failure policy: what the API server requires, and what trustfix
// needs (bad input never retried).
func TestApplyJobFailurePolicy(t *testing.T) {
	m := load(t)
	j, c := m.job(t, "trustfix-apply")
	s := j.Spec
	p := s.PodFailurePolicy
	if p == nil {
		t.Fatal("no podFailurePolicy")
	}
	if j.Spec.Template.Spec.RestartPolicy != corev1.RestartPolicyNever {
		t.Errorf("restartPolicy %q: podFailurePolicy requires Never", j.Spec.Template.Spec.RestartPolicy)
	}
	if s.BackoffLimitPerIndex == nil || *s.BackoffLimitPerIndex < 1 {
		t.Errorf("backoffLimitPerIndex %s: want at least 1 (a lost pod is retried for its index alone)", show(s.BackoffLimitPerIndex))
	}
	if s.MaxFailedIndexes != nil && (s.BackoffLimitPerIndex == nil || *s.MaxFailedIndexes > *s.Completions) {
		t.Errorf("maxFailedIndexes %d: needs backoffLimitPerIndex and at most completions", *s.MaxFailedIndexes)
	}
	never := map[int32]bool{}
	for i, r := range p.Rules {
		if (r.OnExitCodes == nil) == (len(r.OnPodConditions) == 0) {
			t.Errorf("rule %d: exactly one of onExitCodes and onPodConditions", i)
		}
		if r.Action == batchv1.PodFailurePolicyActionFailIndex && s.BackoffLimitPerIndex == nil {
			t.Errorf("rule %d: FailIndex requires backoffLimitPerIndex", i)
		}
		if r.OnExitCodes == nil {
			continue
		}
		e := r.OnExitCodes
		if e.ContainerName == nil || *e.ContainerName != c.Name {
			t.Errorf("rule %d: onExitCodes.containerName %v, want %s", i, e.ContainerName, c.Name)
		}
		if e.Operator == batchv1.PodFailurePolicyOnExitCodesOpIn && slices.Contains(e.Values, 0) {
			t.Errorf("rule %d: operator In must not list 0", i)
		}
		if !slices.IsSorted(e.Values) {
			t.Errorf("rule %d: values must be sorted", i)
		}
		if r.Action == batchv1.PodFailurePolicyActionFailIndex && e.Operator == batchv1.PodFailurePolicyOnExitCodesOpIn {
			for _, v := range e.Values {
				never[v] = true
			}
		}
	}
	// trustfix's exit codes (docs/json.md): 1 bad input, 2 devices
	// failed (a retry would repeat refused logins), 3 stopped early.
	for _, code := range []int32{1, 2, 3} {
		if !never[code] {
			t.Errorf("exit code %d is retried: want a FailIndex rule for it", code)
		}
	}
}

// Both Jobs: non-root, read-only root file system, no privilege; the
// report reads the same journals the shards write.
func TestJobsAreLockedDown(t *testing.T) {
	m := load(t)
	for _, name := range []string{"trustfix-apply", "trustfix-report"} {
		j, c := m.job(t, name)
		ps := j.Spec.Template.Spec.SecurityContext
		if ps == nil || ps.RunAsNonRoot == nil || !*ps.RunAsNonRoot || ps.RunAsUser == nil || *ps.RunAsUser == 0 {
			t.Errorf("Job %s: want runAsNonRoot and a non-zero runAsUser", name)
		}
		cs := c.SecurityContext
		if cs == nil || cs.ReadOnlyRootFilesystem == nil || !*cs.ReadOnlyRootFilesystem {
			t.Errorf("Job %s: want readOnlyRootFilesystem", name)
		}
		if cs == nil || cs.AllowPrivilegeEscalation == nil || *cs.AllowPrivilegeEscalation {
			t.Errorf("Job %s: want allowPrivilegeEscalation: false", name)
		}
		if j.Spec.Template.Spec.AutomountServiceAccountToken == nil || *j.Spec.Template.Spec.AutomountServiceAccountToken {
			t.Errorf("Job %s: trustfix needs no API token", name)
		}
		checkExpansions(t, name, c)
	}
	apply, ac := m.job(t, "trustfix-apply")
	report, rc := m.job(t, "trustfix-report")
	if rc.Args[0] != "report" {
		t.Fatalf("trustfix-report args %v", rc.Args)
	}
	journal := argAfter(ac.Args, "--journal")
	am, rm := mountOf(ac, journal), mountOf(rc, rc.Args[1])
	if am == nil || rm == nil {
		t.Fatalf("journals: apply writes %s, report reads %s: not both on mounts", journal, rc.Args[1])
	}
	if av, rv := volume(apply, am.Name), volume(report, rm.Name); av.PersistentVolumeClaim == nil || rv.PersistentVolumeClaim == nil ||
		av.PersistentVolumeClaim.ClaimName != rv.PersistentVolumeClaim.ClaimName || am.SubPathExpr != rm.SubPathExpr ||
		envVar(ac, "CHANGE").Value != envVar(rc, "CHANGE").Value {
		t.Errorf("the report does not read the directory the shards write")
	}
	if filepath.Dir(journal) != strings.TrimSuffix(rc.Args[1], "/") {
		t.Errorf("report reads %s, the shards write %s", rc.Args[1], filepath.Dir(journal))
	}
	if !rm.ReadOnly {
		t.Errorf("the report mounts the journals writable")
	}
	for _, cl := range m.claims {
		if !slices.Contains(cl.Spec.AccessModes, corev1.ReadWriteMany) {
			t.Errorf("claim %s: parallel pods on several nodes need ReadWriteMany", cl.Name)
		}
	}
}

// The image: static, distroless, non-root.
func TestDockerfile(t *testing.T) {
	raw, err := os.ReadFile("Dockerfile")
	if err != nil {
		t.Fatal(err)
	}
	text := string(raw)
	for _, want := range []string{"CGO_ENABLED=0", "FROM gcr.io/distroless/static", "USER 65532:65532", "COPY --from=build"} {
		if !strings.Contains(text, want) {
			t.Errorf("Dockerfile lacks %q", want)
		}
	}
	if strings.Count(text, "\nFROM ") < 1 || !strings.HasPrefix(strings.TrimSpace(text[strings.Index(text, "FROM"):]), "FROM golang:") {
		t.Errorf("Dockerfile: want a multi-stage build from golang")
	}
}
