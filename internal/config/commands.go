package config

import (
	"flag"
	"fmt"
	"io"
	"strings"
)

// Command is one subcommand of the binary.
type Command struct {
	Name, Usage, Summary string
	// flags are the flag groups the command takes; nothing else is listed
	// in its --help or accepted on its command line.
	flags []flagGroup
	// args is how many positional words follow the command.
	args int
}

type flagGroup int

const (
	serverFlags flagGroup = iota // where JFrog is, the guard, logging
	httpFlags                    // listener, origins, sessions, bounds
	emulatorFlags
	policyFlags // the profile and the overrides that policy check applies
	logFlags
	formatFlags // tools --format
)

// Commands lists the subcommands in the order help shows them.
var Commands = []Command{
	{Name: CmdStdio, Usage: "jfrog-mcp [stdio] [flags]", Summary: "serve MCP over stdin/stdout, for agent IDEs (the default)", flags: []flagGroup{serverFlags, logFlags}},
	{Name: CmdHTTP, Usage: "jfrog-mcp http [flags]", Summary: "serve streamable HTTP at /mcp, legacy SSE at /sse and /message, and /healthz", flags: []flagGroup{serverFlags, logFlags, httpFlags}},
	{Name: CmdDoctor, Usage: "jfrog-mcp doctor [flags]", Summary: "check this configuration against the JFrog Platform: a table with a fix for each failure", flags: []flagGroup{serverFlags, logFlags}},
	{Name: CmdEmulator, Usage: "jfrog-mcp emulator [flags]", Summary: "run the JFrog emulator alone; prints JFROG_URL=… JFROG_ACCESS_TOKEN=…", flags: []flagGroup{emulatorFlags, logFlags}},
	{Name: CmdPolicy, Usage: "jfrog-mcp policy check FILE [flags]", Summary: "validate a policy file as the server does at start and print the effective policy", flags: []flagGroup{policyFlags, logFlags}, args: 2},
	{Name: CmdTools, Usage: "jfrog-mcp tools [--format markdown|json]", Summary: "print the tool catalog (docs/tools.md is this output)", flags: []flagGroup{formatFlags}},
	{Name: "config-snippet", Usage: "jfrog-mcp config-snippet --client CLIENT [-- server flags]", Summary: "print what to paste into an MCP client's configuration (claude-code, claude-desktop, cursor, vscode, codex)"},
	{Name: CmdVersion, Usage: "jfrog-mcp version", Summary: "print the version and the source revision"},
	{Name: CmdHelp, Usage: "jfrog-mcp help [COMMAND]", Summary: "list the commands, or a command's flags", args: -1},
}

// CmdHelp is `jfrog-mcp help [COMMAND]`.
const CmdHelp = "help"

func lookupCommand(name string) *Command {
	for i := range Commands {
		if Commands[i].Name == name {
			return &Commands[i]
		}
	}
	return nil
}

func commandNames() string {
	names := make([]string, len(Commands))
	for i, c := range Commands {
		names[i] = c.Name
	}
	return strings.Join(names, ", ")
}

// PrintHelp writes the list of commands, or one command's usage and flags.
func PrintHelp(w io.Writer, command string) error {
	if command == "" {
		fmt.Fprintln(w, "jfrog-mcp: an MCP server that lets AI agents work a JFrog Platform safely.")
		fmt.Fprintln(w, "\nUsage: jfrog-mcp [COMMAND] [flags]   (flags may come before or after the command)")
		fmt.Fprintln(w, "\nCommands:")
		for _, c := range Commands {
			fmt.Fprintf(w, "  %-15s %s\n", c.Name, c.Summary)
		}
		fmt.Fprintln(w, "\n`jfrog-mcp help COMMAND` or `jfrog-mcp COMMAND --help` lists a command's flags; --version prints the version.")
		return nil
	}
	c := lookupCommand(command)
	if c == nil {
		return &UsageError{fmt.Sprintf("unknown command %q: the commands are %s", command, commandNames())}
	}
	fmt.Fprintf(w, "Usage: %s\n\n%s.\n", c.Usage, upperFirst(c.Summary))
	var v flagValues
	fs := v.flagSet(c, func(string) string { return "" })
	if hasFlags(fs) {
		fmt.Fprintln(w, "\nFlags:")
		fs.SetOutput(w)
		fs.PrintDefaults()
	}
	return nil
}

func hasFlags(fs *flag.FlagSet) bool {
	n := 0
	fs.VisitAll(func(*flag.Flag) { n++ })
	return n > 0
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// splitCommandLine finds the command among args, wherever it stands: flags
// may come before it (`jfrog-mcp --log-level debug http`). A word right
// after a flag that takes a value is that value, not a command. It returns
// the command, the words that follow it (for policy check FILE), and the
// flags in their order.
func splitCommandLine(args []string) (cmd *Command, explicit bool, positional, flags []string, err error) {
	takesValue, known := flagKinds()
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--":
			// Everything after -- is positional.
			positional = append(positional, args[i+1:]...)
			i = len(args)
		case strings.HasPrefix(a, "-") && a != "-":
			flags = append(flags, a)
			name, _, hasValue := strings.Cut(strings.TrimLeft(a, "-"), "=")
			if !known[name] {
				// Said now: an unknown flag's value would pass for a command.
				return nil, false, nil, nil, &UsageError{fmt.Sprintf("flag provided but not defined: %s (jfrog-mcp help lists the commands, jfrog-mcp help COMMAND their flags)", a)}
			}
			if !hasValue && takesValue[name] && i+1 < len(args) {
				i++
				flags = append(flags, args[i])
			}
		case cmd == nil && len(positional) == 0:
			if cmd = lookupCommand(a); cmd == nil {
				return nil, false, nil, nil, &UsageError{fmt.Sprintf("unknown command %q: the commands are %s (jfrog-mcp help)", a, commandNames())}
			}
		default:
			positional = append(positional, a)
		}
	}
	if cmd == nil {
		return lookupCommand(CmdStdio), false, positional, flags, nil
	}
	return cmd, true, positional, flags, nil
}

// flagKinds returns the flags of every command that take a value, and every
// flag there is (with help and version).
func flagKinds() (takesValue, known map[string]bool) {
	takesValue, known = map[string]bool{}, map[string]bool{"h": true, "help": true, "version": true}
	var v flagValues
	for i := range Commands {
		fs := v.flagSet(&Commands[i], func(string) string { return "" })
		fs.VisitAll(func(f *flag.Flag) {
			known[f.Name] = true
			if b, ok := f.Value.(interface{ IsBoolFlag() bool }); !ok || !b.IsBoolFlag() {
				takesValue[f.Name] = true
			}
		})
	}
	return takesValue, known
}
