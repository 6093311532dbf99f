package sshconf

import (
	"fmt"
	"path"
	"strconv"
	"strings"

	"github.com/trustfix/trustfix/pkg/shlex"
)

// ProxyJump checks an OpenSSH ProxyJump value and returns it as
// [user@]host[:port]: found is false for nothing to say, jump is "" for
// "none". A chain of jump hosts is an error: trustfix goes through one.
func ProxyJump(v string) (string, bool, error) {
	switch {
	case strings.EqualFold(v, "none"):
		return "", true, nil
	case strings.Contains(v, ","):
		return "", false, fmt.Errorf("ProxyJump %s chains jump hosts; trustfix goes through one", strconv.Quote(v))
	}
	return strings.TrimSuffix(strings.TrimPrefix(v, "ssh://"), "/"), true, nil
}

// ProxyCommand accepts the ProxyCommand form Ansible's network guide
// documents, `ssh -W %h:%p -q bastion01`, with -p PORT and -l USER.
func ProxyCommand(v string) (string, bool, error) {
	if strings.EqualFold(v, "none") {
		return "", true, nil
	}
	bad := fmt.Errorf("ProxyCommand %s is not supported (trustfix understands `ssh -W %%h:%%p [-p PORT] [-l USER] [USER@]HOST` and ProxyJump)", strconv.Quote(v))
	words, err := shlex.Split(v)
	if err != nil || len(words) < 2 || path.Base(words[0]) != "ssh" {
		return "", false, bad
	}
	var user, host, port string
	forwards := false
	for i := 1; i < len(words); i++ {
		w := words[i]
		takesArg := len(w) == 2 && strings.Contains("WplioFJbcDEeILmOQRSw", w[1:])
		switch {
		case w == "-W" && i+1 < len(words):
			forwards = strings.HasPrefix(words[i+1], "%h:")
			i++
		case w == "-p" && i+1 < len(words):
			port = words[i+1]
			i++
		case w == "-l" && i+1 < len(words):
			user = words[i+1]
			i++
		case w == "-J":
			return "", false, bad
		case w == "-o" && i+1 < len(words):
			i++
		case strings.HasPrefix(w, "-") && takesArg:
			i++
		case strings.HasPrefix(w, "-"):
		case host == "":
			host = w
		default:
			return "", false, bad // a remote command: not a plain -W forward
		}
	}
	if !forwards || host == "" {
		return "", false, bad
	}
	if u, h, ok := strings.Cut(host, "@"); ok {
		user, host = u, h
	}
	out := host
	if port != "" {
		if _, err := strconv.Atoi(port); err != nil {
			return "", false, bad
		}
		if strings.Contains(host, ":") {
			out = "[" + host + "]"
		}
		out += ":" + port
	}
	if user != "" {
		out = user + "@" + out
	}
	return out, true, nil
}
