# The Debian package (scripts/package; -DPPTPCTL_PACKAGE=ON with the install
# prefix /usr): man pages built with scdoc from docs/man, the completions,
# the example profile, copyright and changelog, and CPack's DEB generator
# with dpkg-shlibdeps for Depends.
find_program(SCDOC scdoc REQUIRED)
find_program(GZIP gzip REQUIRED)

set(PKG_DOC ${CMAKE_INSTALL_DATADIR}/doc/pptpctl)
set(PKG_OUT ${CMAKE_BINARY_DIR}/package)

# The man pages: docs/man/generate fills the templates from the code, scdoc
# makes roff, gzip -n keeps the bytes reproducible.
set(MAN_INPUTS
  ${CMAKE_SOURCE_DIR}/docs/man/generate
  ${CMAKE_SOURCE_DIR}/docs/man/pptpctl.8.scd
  ${CMAKE_SOURCE_DIR}/docs/man/pptpctl.json.5.scd
  ${CMAKE_SOURCE_DIR}/docs/examples/office.json
  ${CMAKE_SOURCE_DIR}/config/profile.hpp
  ${CMAKE_SOURCE_DIR}/config/profile_parse.cpp
  ${CMAKE_SOURCE_DIR}/userspace/daemon/exit_codes.hpp
  ${CMAKE_SOURCE_DIR}/userspace/daemon/exit_codes.cpp)
# One run writes both sources: two runs in parallel (make -j) would race on
# the same temporary files.
add_custom_command(OUTPUT ${PKG_OUT}/pptpctl.8.scd ${PKG_OUT}/pptpctl.json.5.scd
  COMMAND ${CMAKE_SOURCE_DIR}/docs/man/generate ${CMAKE_SOURCE_DIR} ${PKG_OUT} ${PROJECT_VERSION}
  DEPENDS ${MAN_INPUTS}
  COMMENT "man page sources"
  VERBATIM)
set(MAN_PAGES)
foreach(page pptpctl.8 pptpctl.json.5)
  add_custom_command(OUTPUT ${PKG_OUT}/${page}.gz
    COMMAND sh -c "${SCDOC} <${PKG_OUT}/${page}.scd >${PKG_OUT}/${page}"
    COMMAND ${GZIP} -9nf ${PKG_OUT}/${page}
    DEPENDS ${PKG_OUT}/${page}.scd
    COMMENT "man page ${page}"
    VERBATIM)
  list(APPEND MAN_PAGES ${PKG_OUT}/${page}.gz)
endforeach()
# A native package (the version has no Debian revision): changelog.gz.
add_custom_command(OUTPUT ${PKG_OUT}/changelog.gz
  COMMAND sh -c "${GZIP} -9nc ${CMAKE_SOURCE_DIR}/packaging/changelog >${PKG_OUT}/changelog.gz"
  DEPENDS ${CMAKE_SOURCE_DIR}/packaging/changelog
  VERBATIM)
add_custom_target(package_docs ALL DEPENDS ${MAN_PAGES} ${PKG_OUT}/changelog.gz)

install(FILES ${PKG_OUT}/pptpctl.8.gz DESTINATION ${CMAKE_INSTALL_MANDIR}/man8)
install(FILES ${PKG_OUT}/pptpctl.json.5.gz DESTINATION ${CMAKE_INSTALL_MANDIR}/man5)
install(FILES ${CMAKE_SOURCE_DIR}/packaging/pptpctl.bash
  DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions RENAME pptpctl)
install(FILES ${CMAKE_SOURCE_DIR}/packaging/_pptpctl DESTINATION ${CMAKE_INSTALL_DATADIR}/zsh/vendor-completions)
install(FILES ${CMAKE_SOURCE_DIR}/docs/examples/office.json DESTINATION ${PKG_DOC}/examples)
install(FILES ${CMAKE_SOURCE_DIR}/packaging/copyright ${PKG_OUT}/changelog.gz DESTINATION ${PKG_DOC})

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME pptpctl)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT "pptpctl maintainers <maintainers@users.noreply.h-seed-b147bc36.example>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "PPTP VPN client whose data path runs in the kernel")
# CPack puts the summary in front as the synopsis line.
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION "pptpctl replaces pptp-linux and pppd with one small tool: it reads a JSON
profile, runs the PPTP control connection and the PPP negotiation (LCP,
MS-CHAPv2, CCP/MPPE, IPCP) itself, then hands the call to the kernel's PPTP
socket and /dev/ppp (or, on kernels without PPTP, carries the tunnel itself
over a TUN device). It sets and takes back addresses, routes and DNS,
redials lost links, and runs one systemd unit per tunnel.
.
PPTP's cryptography is broken; use it only where nothing better is offered.")
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
# Depends: the libraries dpkg-shlibdeps finds, plus nft for the injection
# guard every profile runs by default (inject_guard, exit 15 without it).
# libsystemd0 is no longer among them: the daemon writes sd_notify's datagram
# itself and dlopens libsystemd only to talk to systemd-resolved, which
# depends on systemd, which depends on libsystemd0; a host without resolved
# needs no libsystemd (issue 11). So it is neither Depends nor Recommends.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "nftables")
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "resolvconf | systemd-resolved")
set(CPACK_STRIP_FILES ON)
set(CPACK_PACKAGING_INSTALL_PREFIX ${CMAKE_INSTALL_PREFIX})
set(CPACK_INSTALL_DEFAULT_DIRECTORY_PERMISSIONS
  OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_EXECUTE WORLD_READ WORLD_EXECUTE)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
include(CPack)
