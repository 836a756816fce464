# zsh completion for cvkit: source this file from ~/.zshrc
autoload -U +X compinit && compinit
autoload -U +X bashcompinit && bashcompinit
source "${0:A:h}/cvkit.bash"
