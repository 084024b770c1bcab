#pragma once
// What an "add" or a "remove" did. Re-applying something that already exists
// is success, but it stays its owner's: only Added things are ours to remove
// later. Removing something the kernel already dropped (with its interface,
// usually) is success too, and the CLI says which of the two happened.
namespace netlink {

enum class Applied { Added, AlreadyPresent };
enum class Removed { Removed, AlreadyGone };

}  // namespace netlink
