#!/usr/bin/env bash
# Points Terraform at a local provider mirror, for machines without registry access.
#
#   eval "$(scripts/use-provider-mirror.sh /path/to/mirror)"
#
# The mirror is the folder that holds registry.terraform.io/ (unpacked layout, as
# `terraform providers mirror` + unzip, or a distro package, produce). Terraform
# links providers from an unpacked mirror instead of copying them, so every stack
# folder shares one install. Writes .terraform-work/terraformrc and prints the
# export to stdout; nothing else in the project depends on where the mirror is.
set -euo pipefail

mirror="${1:-}"
if [ -z "$mirror" ] || [ ! -d "$mirror/registry.terraform.io" ]; then
  echo "usage: eval \"\$($0 /path/to/mirror)\"  (the folder that holds registry.terraform.io/)" >&2
  exit 2
fi
mirror="$(cd "$mirror" && pwd)"
project="$(cd "$(dirname "$0")/.." && pwd)"
config="$project/.terraform-work/terraformrc"
mkdir -p "$(dirname "$config")"
cat > "$config" <<TFRC
provider_installation {
  filesystem_mirror {
    path    = "$mirror"
    include = ["registry.terraform.io/*/*"]
  }
  direct {
    exclude = ["registry.terraform.io/*/*"]
  }
}
TFRC
echo "export TF_CLI_CONFIG_FILE=\"$config\""
