package session

import (
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/scrapli/scrapligo/driver/generic"
	"github.com/scrapli/scrapligo/driver/opoptions"
)

// profile is what a platform needs right after login.
type profile struct {
	enable bool     // lands in user exec; `enable` to reach privileged exec
	paging string   // the command that turns paging off
	extra  []string // width, timestamps: nice to have, failures ignored
}

var profiles = map[string]profile{
	"iosxe": {enable: true, paging: "terminal length 0", extra: []string{"terminal width 511"}},
	"iosxr": {paging: "terminal length 0", extra: []string{"terminal width 512", "terminal exec prompt no-timestamp"}},
	"asa":   {enable: true, paging: "terminal pager 0", extra: []string{"terminal width 511"}},
	"fxos":  {paging: "terminal length 0", extra: []string{"terminal width 511"}},
}

var (
	rePassword = regexp.MustCompile(`(?im)^(?:enable\s)?password:\s?$`)
	// The pager's prompt on IOS, XR, FXOS (--More--) and ASA (<--- More --->).
	reMore = regexp.MustCompile(`-- ?More ?--|<--- More --->`)
	// The marker with the spaces around it, for removal from output.
	reMoreResidue = regexp.MustCompile(` ?-- ?More ?-- ?|<--- More --->`)
)

// Use switches the session to a platform's definition (after detection),
// enables, and turns paging off — or, when AAA refuses that, keeps paging
// and answers the pager on every read.
func (s *Session) Use(id string) error {
	prof, ok := profiles[id]
	if !ok {
		return fmt.Errorf("session: no CLI profile for platform %q", id)
	}
	if s.platform != id {
		nd, err := s.newDriver(id)
		if err != nil {
			return err
		}
		s.drv.PrivilegeLevels = nd.PrivilegeLevels
		s.drv.DefaultDesiredPriv = nd.DefaultDesiredPriv
		s.drv.FailedWhenContains = nd.FailedWhenContains
		s.drv.UpdatePrivileges()
		s.drv.CurrentPriv = ""
		s.platform = id
	}
	if prof.enable && strings.HasSuffix(strings.TrimSpace(s.prompt), ">") {
		if err := s.enable(); err != nil {
			return err
		}
	}
	if s.pager {
		_, err := s.sendPaged(prof.paging)
		var ce *CommandError
		switch {
		case errors.As(err, &ce):
			s.warn(fmt.Sprintf("paging stays on: the device refused %q (%s); reading through the pager instead", prof.paging, ce.Match))
		case err != nil:
			return err
		default:
			s.pager = false
		}
	}
	for _, c := range prof.extra {
		if _, err := s.Send(c); err != nil {
			var ce *CommandError
			if !errors.As(err, &ce) {
				return err
			}
		}
	}
	return nil
}

func (s *Session) warn(msg string) {
	if s.opt.OnWarning != nil {
		s.opt.OnWarning(msg)
	}
}

// enable reaches privileged exec with the enable password. A refused
// password is an authentication failure: we back out of the password
// prompt and never try again.
func (s *Session) enable() error {
	out, err := s.SendExpect("enable", rePassword)
	if err != nil {
		return err
	}
	if s.AtPrompt(out) || !rePassword.MatchString(lastLine(out)) {
		if strings.HasSuffix(strings.TrimSpace(s.prompt), "#") {
			return nil // no enable password configured
		}
		return fmt.Errorf("%w: enable failed: %s", ErrAuth, strings.TrimSpace(out))
	}
	pw := s.target.EnablePassword
	if pw.IsZero() && s.target.AskEnable != nil {
		if pw, err = s.target.AskEnable(); err != nil {
			s.backOutOfPassword()
			return fmt.Errorf("%w: enable password: %v", ErrAuth, err)
		}
	}
	if pw.IsZero() {
		s.backOutOfPassword()
		return fmt.Errorf("%w: the device asks for an enable password and none is set (enable_password_env)", ErrAuth)
	}
	if !printable(pw.Reveal()) { // a newline would type a second line
		s.backOutOfPassword()
		return fmt.Errorf("%w: the enable password holds a control character; not sent", ErrAuth)
	}
	if err := s.write(pw.Reveal() + "\n"); err != nil {
		return err
	}
	out, err = s.ReadUntil(rePassword)
	if err != nil {
		return err
	}
	if strings.HasSuffix(strings.TrimSpace(s.prompt), "#") && s.AtPrompt(s.prompt) && !rePassword.MatchString(lastLine(out)) {
		return nil
	}
	s.backOutOfPassword()
	return fmt.Errorf("%w: the enable password was refused", ErrAuth)
}

// backOutOfPassword answers the remaining password prompts with nothing
// until the device gives its prompt back.
func (s *Session) backOutOfPassword() {
	for range 4 {
		if err := s.write("\n"); err != nil {
			return
		}
		out, err := s.ReadUntil(rePassword)
		if err != nil || !rePassword.MatchString(lastLine(out)) {
			return
		}
	}
}

func lastLine(s string) string {
	s = strings.TrimRight(s, "\n")
	return s[strings.LastIndex(s, "\n")+1:]
}

// sendPaged runs a command while paging is on, answering each pager
// prompt with a space, and returns the output without pager residue.
func (s *Session) sendPaged(cmd string) (string, error) {
	if err := s.allowed(cmd); err != nil {
		return "", err
	}
	s.sh.begin()
	more, err := generic.NewCallback(func(d *generic.Driver, _ string) error {
		return d.Channel.Write([]byte(" "), false)
	}, opoptions.WithCallbackContainsRe(reMore), opoptions.WithCallbackInsensitive(false), opoptions.WithCallbackResetOutput())
	if err != nil {
		return "", err
	}
	done, err := generic.NewCallback(nil, opoptions.WithCallbackContainsRe(s.drv.Channel.PromptPattern),
		opoptions.WithCallbackInsensitive(false), opoptions.WithCallbackComplete())
	if err != nil {
		return "", err
	}
	r, err := s.drv.Driver.SendWithCallbacks(cmd, []*generic.Callback{more, done}, s.opt.OpTimeout)
	if err != nil {
		return "", s.wrap(fmt.Sprintf("%q", cmd), err)
	}
	out := cleanPaged(r.Result, cmd)
	out = s.trimPrompt(out)
	return out, failed(cmd, r)
}

var reErase = regexp.MustCompile(`\x08+ *\x08+|\x08`)

// cleanPaged drops the echoed command, pager markers and the backspaces
// that erase them.
func cleanPaged(out, cmd string) string {
	out = reMoreResidue.ReplaceAllString(out, "")
	out = reErase.ReplaceAllString(out, "")
	lines := strings.Split(out, "\n")
	if len(lines) > 0 && strings.HasSuffix(strings.TrimSpace(lines[0]), strings.TrimSpace(cmd)) {
		lines = lines[1:]
	}
	return strings.Trim(strings.Join(lines, "\n"), "\n")
}
