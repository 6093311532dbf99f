package session

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
)

// Profile is what a platform needs of a session: its scrapligo definition
// and what to do right after login. A platform's Spec (pkg/platform)
// carries one.
type Profile struct {
	// Platform is the platform id, for messages.
	Platform string
	// Definition is the scrapligo platform definition (YAML), loaded from
	// bytes: a name would find scrapligo's built-in one first.
	Definition []byte
	// Enable: the CLI lands in user exec; `enable` reaches privileged exec.
	Enable bool
	// Paging is the command that turns paging off.
	Paging string
	// Extra are terminal settings (width, timestamps): nice to have, a
	// refusal is ignored.
	Extra []string
	// Questions are the questions of the platform's CLI whose safe answer
	// is known; every wait answers them.
	Questions []Question
	// Cancel is what cancels a question nobody answers ("" is ^C).
	Cancel string
	// ReadOnly are the command lines a read-only session may send on the
	// platform, as patterns matched whole (CmdShow, CmdDir, the profile's
	// own settings); none means show only.
	ReadOnly []string
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
func (s *Session) Use(prof Profile) error {
	if len(prof.Definition) == 0 || prof.Paging == "" {
		return fmt.Errorf("session: no CLI profile for platform %q", prof.Platform)
	}
	if s.platform != prof.Platform {
		nd, err := s.newDriver(prof.Platform, prof.Definition)
		if err != nil {
			return err
		}
		s.drv.PrivilegeLevels = nd.PrivilegeLevels
		s.drv.DefaultDesiredPriv = nd.DefaultDesiredPriv
		s.drv.FailedWhenContains = nd.FailedWhenContains
		s.drv.UpdatePrivileges()
		s.drv.CurrentPriv = ""
		s.promptAtStart = anchorPrompt(s.drv.Channel.PromptPattern)
		s.platform = prof.Platform
		s.readOnly = readOnlyRE(prof.ReadOnly)
	}
	s.questions, s.cancelQ = prof.Questions, prof.Cancel
	if prof.Enable && strings.HasSuffix(strings.TrimSpace(s.prompt), ">") {
		if err := s.enable(); err != nil {
			return err
		}
	}
	if s.pager {
		_, err := s.Send(prof.Paging)
		var ce *CommandError
		switch {
		case errors.As(err, &ce):
			s.warn(fmt.Sprintf("paging stays on: the device refused %q (%s); reading through the pager instead", prof.Paging, ce.Match))
		case err != nil:
			return err
		default:
			s.pager = false
		}
	}
	for _, c := range prof.Extra {
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

var reErase = regexp.MustCompile(`\x08+ *\x08+|\x08`)

// stripPager drops pager markers and the backspaces that erase them.
func stripPager(out string) string {
	out = reMoreResidue.ReplaceAllString(out, "")
	return reErase.ReplaceAllString(out, "")
}
